package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_CreateThingType_Created(t *testing.T) {
	f := newThingsFixture(t)
	props := ThingTypeProperties{
		Description:          "Temperature sensors, v2 (indoor)",
		SearchableAttributes: []string{"model", "site"},
		PropagatingAttributes: []PropagatingAttribute{
			{UserPropertyKey: "model", ThingAttribute: "model"},
			{UserPropertyKey: "client", ConnectionAttribute: "iot:ClientId"},
		},
	}
	ctx := context.Background()
	tt, err := f.r.CreateThingType(ctx, CreateThingTypeInput{Name: "sensor", Properties: props,
		Tags: []Tag{{Key: "team", Value: "hw"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !uuidRe.MatchString(tt.ID) || tt.ARN != "arn:aws:iot:eu-west-1:123456789012:thingtype/sensor" {
		t.Errorf("created %+v", tt)
	}
	got, err := f.r.DescribeThingType(ctx, "sensor")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tt.ID || !got.Properties.equal(props) || got.Deprecated || !got.DeprecationDate.IsZero() ||
		!got.CreationDate.Equal(f.now) {
		t.Errorf("DescribeThingType = %+v", got)
	}
	tags, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: tt.ARN})
	if err != nil || !slices.Equal(tags.Items, []Tag{{"team", "hw"}}) {
		t.Errorf("tags = %v, %v", tags.Items, err)
	}
}

func TestRegistry_CreateThingType_Idempotent(t *testing.T) {
	f := newThingsFixture(t)
	ctx := context.Background()
	in := CreateThingTypeInput{Name: "sensor", Properties: ThingTypeProperties{Description: "d"}}
	first, err := f.r.CreateThingType(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	again, err := f.r.CreateThingType(ctx, in)
	if err != nil || again.ID != first.ID || !again.CreationDate.Equal(first.CreationDate) {
		t.Fatalf("repeated create = %+v, %v; want %+v", again, err, first)
	}
}

func TestRegistry_CreateThingType_Errors(t *testing.T) {
	tooManyTags := make([]Tag, 51)
	for i := range tooManyTags {
		tooManyTags[i] = Tag{Key: fmt.Sprintf("k%d", i)}
	}
	cases := []struct {
		name string
		in   CreateThingTypeInput
	}{
		{"exists with other properties", CreateThingTypeInput{Name: "old", Properties: ThingTypeProperties{Description: "other"}}},
		{"bad name", CreateThingTypeInput{Name: "a b"}},
		{"description too long", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{Description: strings.Repeat("x", 2029)}}},
		{"description not ASCII", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{Description: "café"}}},
		{"description newline", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{Description: "a\nb"}}},
		{"4 searchable attributes", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{SearchableAttributes: []string{"a", "b", "c", "d"}}}},
		{"bad searchable attribute", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{SearchableAttributes: []string{"a b"}}}},
		{"propagating without key", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{
			PropagatingAttributes: []PropagatingAttribute{{ThingAttribute: "a"}}}}},
		{"propagating without source", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{
			PropagatingAttributes: []PropagatingAttribute{{UserPropertyKey: "k"}}}}},
		{"propagating bad connection attribute", CreateThingTypeInput{Name: "n", Properties: ThingTypeProperties{
			PropagatingAttributes: []PropagatingAttribute{{UserPropertyKey: "k", ConnectionAttribute: "iot:Other"}}}}},
		{"bad tag key", CreateThingTypeInput{Name: "n", Tags: []Tag{{Key: "a!b"}}}},
		{"reserved tag key", CreateThingTypeInput{Name: "n", Tags: []Tag{{Key: "AWS:x"}}}},
		{"51 tags", CreateThingTypeInput{Name: "n", Tags: tooManyTags}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateType("old", false)
			want := iot.InvalidRequestException
			if strings.HasPrefix(c.name, "exists") {
				want = iot.ResourceAlreadyExistsException
			}
			f.wantUnchanged(want, func() error {
				_, err := f.r.CreateThingType(context.Background(), c.in)
				return err
			})
		})
	}
}

func TestRegistry_DescribeThingType_Errors(t *testing.T) {
	f := newThingsFixture(t)
	_, err := f.r.DescribeThingType(context.Background(), "missing")
	wantCode(t, err, iot.ResourceNotFoundException)
	_, err = f.r.DescribeThingType(context.Background(), "")
	wantCode(t, err, iot.InvalidRequestException)
}

func TestRegistry_DeprecateThingType_Dates(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateType("sensor", false)
	ctx := context.Background()
	describe := func() ThingType {
		tt, err := f.r.DescribeThingType(ctx, "sensor")
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	f.now = f.now.Add(time.Minute)
	deprecatedAt := f.now
	if err := f.r.DeprecateThingType(ctx, "sensor", false); err != nil {
		t.Fatal(err)
	}
	if tt := describe(); !tt.Deprecated || !tt.DeprecationDate.Equal(deprecatedAt) {
		t.Errorf("after deprecate: %+v", tt)
	}
	f.now = f.now.Add(time.Minute)
	if err := f.r.DeprecateThingType(ctx, "sensor", false); err != nil {
		t.Fatal(err)
	}
	if tt := describe(); !tt.DeprecationDate.Equal(deprecatedAt) {
		t.Errorf("deprecating again moved the date to %v", tt.DeprecationDate)
	}
	if err := f.r.DeprecateThingType(ctx, "sensor", true); err != nil {
		t.Fatal(err)
	}
	if tt := describe(); tt.Deprecated || !tt.DeprecationDate.IsZero() {
		t.Errorf("after undo: %+v", tt)
	}
	f.mustCreateThing(CreateThingInput{Name: "t1", TypeName: "sensor"})
}

func TestRegistry_DeprecateThingType_Errors(t *testing.T) {
	f := newThingsFixture(t)
	wantCode(t, f.r.DeprecateThingType(context.Background(), "missing", false), iot.ResourceNotFoundException)
	wantCode(t, f.r.DeprecateThingType(context.Background(), "a b", true), iot.InvalidRequestException)
}

func TestRegistry_ListThingTypes_PrefixAndPages(t *testing.T) {
	f := newThingsFixture(t)
	for _, n := range []string{"meter", "sensor-a", "sensor-b", "sensor-c", "valve"} {
		f.mustCreateType(n, n == "sensor-b")
	}
	ctx := context.Background()
	list := func(in ListThingTypesInput) []string {
		var names []string
		for {
			page, err := f.r.ListThingTypes(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range page.Items {
				names = append(names, tt.Name)
			}
			if page.Next == "" {
				return names
			}
			in.NextToken = page.Next
		}
	}
	if got := list(ListThingTypesInput{MaxResults: 2}); !slices.Equal(got, []string{"meter", "sensor-a", "sensor-b", "sensor-c", "valve"}) {
		t.Errorf("all types: %v", got)
	}
	if got := list(ListThingTypesInput{TypeName: "sensor", MaxResults: 1}); !slices.Equal(got, []string{"sensor-a", "sensor-b", "sensor-c"}) {
		t.Errorf("prefix sensor: %v", got)
	}
	page, err := f.r.ListThingTypes(ctx, ListThingTypesInput{TypeName: "sensor-b"})
	if err != nil || len(page.Items) != 1 || !page.Items[0].Deprecated || page.Items[0].ARN == "" {
		t.Errorf("sensor-b: %+v, %v", page.Items, err)
	}
	for _, bad := range []ListThingTypesInput{{MaxResults: 251}, {TypeName: "a b"}, {NextToken: "%%"}} {
		_, err := f.r.ListThingTypes(ctx, bad)
		wantCode(t, err, iot.InvalidRequestException)
	}
}

func TestRegistry_DeleteThingType_Deleted(t *testing.T) {
	f := newThingsFixture(t)
	ctx := context.Background()
	tt, err := f.r.CreateThingType(ctx, CreateThingTypeInput{Name: "sensor", Tags: []Tag{{Key: "k", Value: "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.mustCreateThing(CreateThingInput{Name: "t1", TypeName: "sensor"})
	if err := f.r.DeprecateThingType(ctx, "sensor", false); err != nil {
		t.Fatal(err)
	}
	if err := f.r.UpdateThing(ctx, UpdateThingInput{Name: "t1", RemoveThingType: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.r.DeleteThingType(ctx, "sensor"); err != nil {
		t.Fatal(err)
	}
	if f.has(tableThingTypes, "sensor") || f.has(tableTags, tt.ARN) {
		t.Error("DeleteThingType left the type or its tags behind")
	}
	_, err = f.r.DescribeThingType(ctx, "sensor")
	wantCode(t, err, iot.ResourceNotFoundException)
}

func TestRegistry_DeleteThingType_Errors(t *testing.T) {
	cases := []struct {
		name, typ string
		want      iot.Code
	}{
		{"not deprecated", "active", iot.InvalidRequestException},
		{"still used", "used", iot.InvalidRequestException},
		{"missing", "missing", iot.ResourceNotFoundException},
		{"bad name", "a b", iot.InvalidRequestException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateType("active", false)
			f.mustCreateType("used", false)
			f.mustCreateThing(CreateThingInput{Name: "a"})
			f.mustCreateThing(CreateThingInput{Name: "z", TypeName: "used"})
			if err := f.r.DeprecateThingType(context.Background(), "used", false); err != nil {
				t.Fatal(err)
			}
			f.wantUnchanged(c.want, func() error { return f.r.DeleteThingType(context.Background(), c.typ) })
		})
	}
}
