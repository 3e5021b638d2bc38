package shadow

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

func TestService_NamedShadows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, rec := newService(t, st, Options{})
		ok(t)(s.Update(ctx, "car", "", []byte(`{"state":{"reported":{"speed":1}}}`)))
		ok(t)(s.Update(ctx, "car", "gps", []byte(`{"state":{"reported":{"lat":2}}}`)))
		if doc := ok(t)(s.Get(ctx, "car", "gps")); field(t, doc, "version") != "1" || field(t, doc, "state") != `{"reported":{"lat":2}}` {
			t.Fatalf("named shadow %s", doc)
		}
		if doc := ok(t)(s.Get(ctx, "car", "")); field(t, doc, "state") != `{"reported":{"speed":1}}` {
			t.Fatalf("classic shadow %s", doc)
		}
		// HTTP updates publish on the named shadow's topics.
		rec.waitFor(t, "$aws/things/car/shadow/name/gps/update/accepted", 1)
		rec.waitFor(t, "$aws/things/car/shadow/name/gps/update/documents", 1)
		_, err := s.Get(ctx, "car", "radio")
		wantErr(t, err, 404, "No shadow exists with name: 'car~radio'")

		s.HandleMQTT("$aws/things/car/shadow/name/gps/update", []byte(`{"state":{"desired":{"lat":3}}}`))
		if d := rec.waitFor(t, "$aws/things/car/shadow/name/gps/update/delta", 1)[0]; field(t, d, "state") != `{"lat":3}` {
			t.Fatalf("named delta %s", d)
		}
		ok(t)(s.Delete(ctx, "car", "gps"))
		rec.waitFor(t, "$aws/things/car/shadow/name/gps/delete/accepted", 1)
		if doc := ok(t)(s.Get(ctx, "car", "")); field(t, doc, "version") != "1" {
			t.Fatalf("deleting a named shadow touched the classic one: %s", doc)
		}
	})
}

func TestService_ListNamed_Paging(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, _ := newService(t, st, Options{})
		var want []string
		for i := range 7 {
			name := fmt.Sprintf("s%d", i)
			ok(t)(s.Update(ctx, "th", name, []byte(`{"state":{"reported":{"a":1}}}`)))
			want = append(want, name)
		}
		ok(t)(s.Update(ctx, "th", "", []byte(`{"state":{"reported":{"a":1}}}`)))     // classic: never listed
		ok(t)(s.Update(ctx, "th", "gone", []byte(`{"state":{"reported":{"a":1}}}`))) // deleted: not listed
		ok(t)(s.Delete(ctx, "th", "gone"))
		ok(t)(s.Update(ctx, "th-2", "other", []byte(`{"state":{"reported":{"a":1}}}`))) // another thing

		var got []string
		token, pages := "", 0
		for {
			page, err := s.ListNamed(ctx, "th", token, 3)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, page.Results...)
			if page.Timestamp == 0 || len(page.Results) > 3 {
				t.Fatalf("page %+v", page)
			}
			if token = page.NextToken; token == "" {
				break
			}
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Fatalf("listed %v in %d pages, want %v in 3", got, pages, want)
		}
		page, err := s.ListNamed(ctx, "nobody", "", 0)
		if err != nil || len(page.Results) != 0 || page.Results == nil || page.NextToken != "" {
			t.Fatalf("unknown thing: %+v, %v", page, err)
		}
		_, err = s.ListNamed(ctx, "th", "!!", 3)
		wantErr(t, err, 400, "nextToken")
		_, err = s.ListNamed(ctx, "th", "", 101)
		wantErr(t, err, 400, "pageSize")
		_, err = s.ListNamed(ctx, "bad name", "", 1)
		wantErr(t, err, 400, "thing name")
	})
}
