package shadow

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

var ctx = context.Background()

func TestService_Update_VersionsSurviveRestart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, reopen func() store.Store) {
		s, _ := newService(t, st, Options{})
		for i := range 3 {
			ok(t)(s.Update(ctx, "dev1", "", fmt.Appendf(nil, `{"state":{"reported":{"n":%d}}}`, i)))
		}
		_ = s.Close()
		_ = st.Close()
		s, _ = newService(t, reopen(), Options{})
		doc := ok(t)(s.Get(ctx, "dev1", ""))
		if field(t, doc, "version") != "3" || field(t, doc, "state") != `{"reported":{"n":2}}` {
			t.Fatalf("after restart: %s", doc)
		}
		doc = ok(t)(s.Update(ctx, "dev1", "", []byte(`{"state":{"reported":{"n":9}}}`)))
		if field(t, doc, "version") != "4" {
			t.Fatalf("update after restart: %s", doc)
		}
	})
}

func TestService_Delete_KeepsVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		clk := &clock{now: time.Unix(1_700_000_000, 0)}
		s, _ := newService(t, st, Options{Now: clk.Now, DeletedVersionTTL: time.Hour})
		ok(t)(s.Update(ctx, "d", "", []byte(`{"state":{"desired":{"a":1}}}`)))
		ok(t)(s.Update(ctx, "d", "", []byte(`{"state":{"desired":{"a":2}}}`)))
		if got := ok(t)(s.Delete(ctx, "d", "")); got != `{"version":2,"timestamp":1700000000}` {
			t.Fatalf("delete = %s", got)
		}
		_, err := s.Get(ctx, "d", "")
		if e := wantErr(t, err, 404, "No shadow exists with name: 'd'"); e.Type() != "ResourceNotFoundException" {
			t.Fatalf("type %s", e.Type())
		}
		_, err = s.Delete(ctx, "d", "")
		wantErr(t, err, 404, "No shadow exists")
		doc := ok(t)(s.Update(ctx, "d", "", []byte(`{"state":{"desired":{"b":1}}}`)))
		if field(t, doc, "version") != "3" {
			t.Fatalf("re-created within the TTL: %s", doc)
		}
		if got := ok(t)(s.Get(ctx, "d", "")); field(t, got, "state") != `{"delta":{"b":1},"desired":{"b":1}}` {
			t.Fatalf("re-created shadow holds old state: %s", got)
		}

		ok(t)(s.Delete(ctx, "d", ""))
		clk.add(time.Hour)
		if err := s.SweepTombstones(ctx); err != nil {
			t.Fatal(err)
		}
		if d := dump(t, st); len(d) != 0 {
			t.Fatalf("expired tombstone not swept: %v", d)
		}
		doc = ok(t)(s.Update(ctx, "d", "", []byte(`{"state":{"desired":{"c":1}}}`)))
		if field(t, doc, "version") != "1" {
			t.Fatalf("re-created after the TTL: %s", doc)
		}
	})
}

// TestService_Update_Concurrent: 8 goroutines, on two Services sharing one
// store (two nodes), update one shadow; no update is lost and every
// accepted version is distinct (spec §1.6).
func TestService_Update_Concurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		a, _ := newService(t, st, Options{})
		b, _ := newService(t, st, Options{})
		const writers, each = 8, 20
		versions := make(chan string, writers*each)
		var wg sync.WaitGroup
		for w := range writers {
			svc := []*Service{a, b}[w%2]
			wg.Go(func() {
				for i := range each {
					body := fmt.Appendf(nil, `{"state":{"reported":{"w%d":%d}}}`, w, i)
					doc, err := svc.Update(ctx, "hot", "", body)
					if err != nil {
						t.Error(err)
						return
					}
					versions <- field(t, string(doc), "version")
				}
			})
		}
		wg.Wait()
		close(versions)
		seen := map[string]bool{}
		for v := range versions {
			if seen[v] {
				t.Fatalf("version %s accepted twice", v)
			}
			seen[v] = true
		}
		doc := ok(t)(a.Get(ctx, "hot", ""))
		if field(t, doc, "version") != fmt.Sprint(writers*each) || len(seen) != writers*each {
			t.Fatalf("%d accepted, document %s", len(seen), doc)
		}
		for w := range writers {
			if got := field(t, field(t, field(t, doc, "state"), "reported"), fmt.Sprintf("w%d", w)); got != fmt.Sprint(each-1) {
				t.Fatalf("writer %d's last update lost: %s", w, doc)
			}
		}
	})
}

func TestService_Update_VersionConflict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, rec := newService(t, st, Options{})
		ok(t)(s.Update(ctx, "v", "", []byte(`{"state":{"desired":{"a":1}}}`)))
		before, published := dump(t, st), rec.count()
		_, err := s.Update(ctx, "v", "", []byte(`{"state":{"desired":{"a":2}},"version":5,"clientToken":"ct"}`))
		e := wantErr(t, err, 409, "Version conflict")
		if e.Type() != "ConflictException" || e.ClientToken != "ct" {
			t.Fatalf("got %+v, type %s", e, e.Type())
		}
		sameDump(t, before, dump(t, st))
		if rec.count() != published {
			t.Fatalf("a failed HTTP update published: %v", rec.topics())
		}
		doc := ok(t)(s.Update(ctx, "v", "", []byte(`{"state":{"desired":{"a":2}},"version":1}`)))
		if field(t, doc, "version") != "2" {
			t.Fatalf("matching version: %s", doc)
		}
	})
}

// TestService_Update_BadInput: every bad request is rejected with AWS's
// error and leaves the stored shadow untouched, over HTTP and MQTT.
func TestService_Update_BadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, rec := newService(t, st, Options{MaxStateBytes: 64})
		ok(t)(s.Update(ctx, "b", "", []byte(`{"state":{"desired":{"a":1}}}`)))
		cases := append(badUpdates[:len(badUpdates):len(badUpdates)], struct {
			name, body string
			code       int
			msg        string
			token      string
		}{"merged state too large", `{"state":{"reported":{"x":"` + fmt.Sprintf("%080d", 0) + `"}},"clientToken":"big"}`, 413, msgTooLarge, "big"})
		for i, c := range cases {
			before := dump(t, st)
			_, err := s.Update(ctx, "b", "", []byte(c.body))
			wantErr(t, err, c.code, c.msg)
			s.HandleMQTT("$aws/things/b/shadow/update", []byte(c.body))
			got := rec.waitFor(t, "$aws/things/b/shadow/update/rejected", i+1)[i]
			if field(t, got, "code") != fmt.Sprint(c.code) || field(t, got, "message") != js(c.msg) {
				t.Fatalf("%s: rejected %s", c.name, got)
			}
			if c.token != "" && field(t, got, "clientToken") != js(c.token) {
				t.Fatalf("%s: token not echoed: %s", c.name, got)
			}
			sameDump(t, before, dump(t, st))
		}
		if n := len(rec.on("$aws/things/b/shadow/update/accepted")); n != 1 {
			t.Fatalf("%d accepted, want only the first update's", n)
		}
	})
}

func TestService_BadNames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, rec := newService(t, st, Options{})
		long := fmt.Sprintf("%0129d", 0)
		for _, c := range []struct{ thing, name string }{{"a.b", ""}, {long, ""}, {"t", "x.y"}, {"t", long[:65]}, {"", ""}} {
			_, err := s.Update(ctx, c.thing, c.name, []byte(`{"state":{}}`))
			wantErr(t, err, 400, "Invalid")
		}
		if _, err := s.Update(ctx, "t", "$reserved", []byte(`{"state":{}}`)); err != nil {
			t.Fatalf("HTTP shadow names may hold $: %v", err)
		}
		s.HandleMQTT("$aws/things/a.b/shadow/get", nil)
		got := rec.waitFor(t, "$aws/things/a.b/shadow/get/rejected", 1)[0]
		if field(t, got, "code") != "400" {
			t.Fatalf("rejected %s", got)
		}
		if d := dump(t, st); len(d) != 1 {
			t.Fatalf("store holds %v", d)
		}
	})
}
