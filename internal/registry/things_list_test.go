package registry

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

// listFixture has things a..e: a and b of type sensor, attributes as
// given, so the filter cases below can name exact results.
func listFixture(t *testing.T) *thingsFixture {
	f := newThingsFixture(t)
	f.mustCreateType("sensor", false)
	f.mustCreateThing(CreateThingInput{Name: "a", TypeName: "sensor", Attributes: map[string]string{"color": "red", "size": "1"}})
	f.mustCreateThing(CreateThingInput{Name: "b", TypeName: "sensor", Attributes: map[string]string{"color": "redish"}})
	f.mustCreateThing(CreateThingInput{Name: "c", Attributes: map[string]string{"color": "blue"}})
	f.mustCreateThing(CreateThingInput{Name: "d", Attributes: map[string]string{"size": "red"}})
	f.mustCreateThing(CreateThingInput{Name: "e"})
	return f
}

func thingNames(ts []Thing) []string {
	names := make([]string, len(ts))
	for i, th := range ts {
		names[i] = th.Name
	}
	return names
}

func TestRegistry_ListThings_Filters(t *testing.T) {
	f := listFixture(t)
	cases := []struct {
		name string
		in   ListThingsInput
		want []string
	}{
		{"all", ListThingsInput{}, []string{"a", "b", "c", "d", "e"}},
		{"type", ListThingsInput{TypeName: "sensor"}, []string{"a", "b"}},
		{"unknown type", ListThingsInput{TypeName: "other"}, []string{}},
		{"attribute exact", ListThingsInput{AttributeName: "color", AttributeValue: "red"}, []string{"a"}},
		{"attribute prefix", ListThingsInput{AttributeName: "color", AttributeValue: "red", UsePrefixAttributeValue: true}, []string{"a", "b"}},
		{"attribute name only", ListThingsInput{AttributeName: "size"}, []string{"a", "d"}},
		{"attribute and type", ListThingsInput{AttributeName: "color", AttributeValue: "redish", TypeName: "sensor"}, []string{"b"}},
		{"no match", ListThingsInput{AttributeName: "color", AttributeValue: "green"}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := f.r.ListThings(context.Background(), c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := thingNames(page.Items); !slices.Equal(got, c.want) || page.Next != "" {
				t.Errorf("ListThings = %v next %q, want %v and no next page", got, page.Next, c.want)
			}
		})
	}
}

func TestRegistry_ListThings_ItemsCarryDetails(t *testing.T) {
	f := listFixture(t)
	page, err := f.r.ListThings(context.Background(), ListThingsInput{MaxResults: 1})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListThings: %v, %v", page, err)
	}
	a := page.Items[0]
	if a.ARN != thingsTestAccount.ARN(iot.TypeThing, "a") || a.TypeName != "sensor" || a.Version != 1 ||
		a.Attributes["color"] != "red" || !uuidRe.MatchString(a.ID) {
		t.Errorf("listed thing %+v", a)
	}
}

func TestRegistry_ListThings_Pages(t *testing.T) {
	f := newThingsFixture(t)
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("t%d", i)
		attrs := map[string]string{"odd": fmt.Sprint(i%2 == 1)}
		f.mustCreateThing(CreateThingInput{Name: name, Attributes: attrs})
		want = append(want, name)
	}
	ctx := context.Background()
	for _, c := range []struct {
		in   ListThingsInput
		want []string
	}{
		{ListThingsInput{MaxResults: 3}, want},
		{ListThingsInput{MaxResults: 7}, want},
		{ListThingsInput{MaxResults: 2, AttributeName: "odd", AttributeValue: "true"}, []string{"t1", "t3", "t5"}},
	} {
		var got []string
		pages := 0
		in := c.in
		for {
			page, err := f.r.ListThings(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > in.MaxResults {
				t.Fatalf("page of %d items, max %d", len(page.Items), in.MaxResults)
			}
			got = append(got, thingNames(page.Items)...)
			pages++
			if page.Next == "" {
				break
			}
			in.NextToken = page.Next
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: paged through %v, want %v", c.in, got, c.want)
		}
		if wantPages := (len(c.want) + c.in.MaxResults - 1) / c.in.MaxResults; pages < wantPages || pages > wantPages+1 {
			t.Errorf("%+v: %d pages", c.in, pages)
		}
	}
}

func TestRegistry_ListThings_Errors(t *testing.T) {
	f := listFixture(t)
	cases := []struct {
		name string
		in   ListThingsInput
	}{
		{"maxResults too big", ListThingsInput{MaxResults: 251}},
		{"maxResults negative", ListThingsInput{MaxResults: -1}},
		{"value without name", ListThingsInput{AttributeValue: "red"}},
		{"bad attribute name", ListThingsInput{AttributeName: "a b"}},
		{"bad attribute value", ListThingsInput{AttributeName: "a", AttributeValue: "b c"}},
		{"bad type name", ListThingsInput{TypeName: "a b"}},
		{"bad token", ListThingsInput{NextToken: "!!not base64"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.r.ListThings(context.Background(), c.in)
			wantCode(t, err, iot.InvalidRequestException)
		})
	}
}
