package registry

import (
	"context"
	"maps"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func ptr[T any](v T) *T { return &v }

func TestRegistry_UpdateThing_Cases(t *testing.T) {
	start := map[string]string{"a": "1", "b": "2"}
	cases := []struct {
		name      string
		in        UpdateThingInput
		wantType  string
		wantAttrs map[string]string
	}{
		{"nothing given keeps all", UpdateThingInput{}, "sensor", start},
		{"replace", UpdateThingInput{Attributes: map[string]string{"c": "3"}}, "sensor", map[string]string{"c": "3"}},
		{"replace with empty map clears", UpdateThingInput{Attributes: map[string]string{}}, "sensor", nil},
		{"replace drops empty values", UpdateThingInput{Attributes: map[string]string{"c": "3", "d": ""}}, "sensor", map[string]string{"c": "3"}},
		{"merge", UpdateThingInput{Merge: true, Attributes: map[string]string{"b": "20", "c": "3"}}, "sensor",
			map[string]string{"a": "1", "b": "20", "c": "3"}},
		{"merge empty value removes", UpdateThingInput{Merge: true, Attributes: map[string]string{"a": ""}}, "sensor",
			map[string]string{"b": "2"}},
		{"change type", UpdateThingInput{TypeName: "meter"}, "meter", start},
		{"same deprecated type kept", UpdateThingInput{TypeName: "sensor"}, "sensor", start},
		{"remove type", UpdateThingInput{RemoveThingType: true}, "", start},
		{"expected version matches", UpdateThingInput{ExpectedVersion: ptr[int64](1), Merge: true,
			Attributes: map[string]string{"c": "3"}}, "sensor", map[string]string{"a": "1", "b": "2", "c": "3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateType("sensor", false)
			f.mustCreateType("meter", false)
			f.mustCreateThing(CreateThingInput{Name: "t1", TypeName: "sensor", Attributes: start})
			if c.name == "same deprecated type kept" {
				if err := f.r.DeprecateThingType(context.Background(), "sensor", false); err != nil {
					t.Fatal(err)
				}
			}
			c.in.Name = "t1"
			if err := f.r.UpdateThing(context.Background(), c.in); err != nil {
				t.Fatal(err)
			}
			got, err := f.r.DescribeThing(context.Background(), "t1")
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 2 || got.TypeName != c.wantType || !maps.Equal(got.Attributes, c.wantAttrs) {
				t.Errorf("after update: version %d type %q attributes %v; want 2, %q, %v",
					got.Version, got.TypeName, got.Attributes, c.wantType, c.wantAttrs)
			}
		})
	}
}

func TestRegistry_UpdateThing_Errors(t *testing.T) {
	cases := []struct {
		name string
		in   UpdateThingInput
		want iot.Code
	}{
		{"missing thing", UpdateThingInput{Name: "nope"}, iot.ResourceNotFoundException},
		{"bad name", UpdateThingInput{Name: "a b"}, iot.InvalidRequestException},
		{"version conflict", UpdateThingInput{Name: "typed", ExpectedVersion: ptr[int64](7)}, iot.VersionConflictException},
		{"unknown type", UpdateThingInput{Name: "plain", TypeName: "nope"}, iot.ResourceNotFoundException},
		{"deprecated type", UpdateThingInput{Name: "plain", TypeName: "retired"}, iot.InvalidRequestException},
		{"type and remove type", UpdateThingInput{Name: "plain", TypeName: "sensor", RemoveThingType: true}, iot.InvalidRequestException},
		{"bad type name", UpdateThingInput{Name: "plain", TypeName: "a b"}, iot.InvalidRequestException},
		{"bad attribute", UpdateThingInput{Name: "plain", Attributes: map[string]string{"a": "b c"}}, iot.InvalidRequestException},
		{"merge over the untyped limit", UpdateThingInput{Name: "plain", Merge: true, Attributes: map[string]string{"z": "1"}}, iot.InvalidRequestException},
		{"remove type with 4 attributes", UpdateThingInput{Name: "typed", RemoveThingType: true}, iot.InvalidRequestException},
		{"replace over the typed limit", UpdateThingInput{Name: "typed", Attributes: attrsN(51)}, iot.InvalidRequestException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateType("sensor", false)
			f.mustCreateType("retired", true)
			f.mustCreateThing(CreateThingInput{Name: "plain", Attributes: attrsN(3)})
			f.mustCreateThing(CreateThingInput{Name: "typed", TypeName: "sensor", Attributes: attrsN(4)})
			f.wantUnchanged(c.want, func() error { return f.r.UpdateThing(context.Background(), c.in) })
		})
	}
}

func TestRegistry_UpdateThing_VersionIncrements(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateThing(CreateThingInput{Name: "t1"})
	ctx := context.Background()
	for v := int64(1); v <= 3; v++ {
		if err := f.r.UpdateThing(ctx, UpdateThingInput{Name: "t1", ExpectedVersion: ptr(v)}); err != nil {
			t.Fatalf("update at version %d: %v", v, err)
		}
	}
	th, err := f.r.DescribeThing(ctx, "t1")
	if err != nil || th.Version != 4 {
		t.Fatalf("version = %d, %v; want 4", th.Version, err)
	}
	err = f.r.UpdateThing(ctx, UpdateThingInput{Name: "t1", ExpectedVersion: ptr[int64](3)})
	wantCode(t, err, iot.VersionConflictException)
}

func TestRegistry_DeleteThing_Deleted(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateThing(CreateThingInput{Name: "t1"})
	f.mustCreateThing(CreateThingInput{Name: "t2"})
	arn := thingsTestAccount.ARN(iot.TypeThing, "t1")
	f.put(tableTags, arn, `{"k":"v"}`)
	f.put(tableThingPrincipals, pairKey("t2", "arn:aws:iot:eu-west-1:123456789012:cert/abc"), `{}`)
	ctx := context.Background()
	if err := f.r.DeleteThing(ctx, DeleteThingInput{Name: "t1", ExpectedVersion: ptr[int64](1)}); err != nil {
		t.Fatal(err)
	}
	if f.has(tableThings, "t1") || f.has(tableTags, arn) {
		t.Error("DeleteThing left the thing or its tags behind")
	}
	_, err := f.r.DescribeThing(ctx, "t1")
	wantCode(t, err, iot.ResourceNotFoundException)
	if !f.has(tableThings, "t2") {
		t.Error("DeleteThing deleted another thing")
	}
}

func TestRegistry_DeleteThing_MissingSucceeds(t *testing.T) {
	f := newThingsFixture(t)
	if err := f.r.DeleteThing(context.Background(), DeleteThingInput{Name: "ghost"}); err != nil {
		t.Fatalf("deleting a missing thing: %v", err)
	}
}

func TestRegistry_DeleteThing_Errors(t *testing.T) {
	cases := []struct {
		name string
		in   DeleteThingInput
		want iot.Code
	}{
		{"principal attached", DeleteThingInput{Name: "attached"}, iot.InvalidRequestException},
		{"version conflict", DeleteThingInput{Name: "free", ExpectedVersion: ptr[int64](2)}, iot.VersionConflictException},
		{"bad name", DeleteThingInput{Name: "a b"}, iot.InvalidRequestException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateThing(CreateThingInput{Name: "attached"})
			f.mustCreateThing(CreateThingInput{Name: "attached2"})
			f.mustCreateThing(CreateThingInput{Name: "free"})
			// A principal of "attached2" must not count for "attached".
			f.put(tableThingPrincipals, pairKey("attached", "arn:aws:iot:eu-west-1:123456789012:cert/abc"), `{}`)
			f.put(tableThingPrincipals, pairKey("attached2", "arn:aws:iot:eu-west-1:123456789012:cert/abc"), `{}`)
			f.wantUnchanged(c.want, func() error { return f.r.DeleteThing(context.Background(), c.in) })
		})
	}
}

func TestRegistry_DeleteThing_PrefixNameNotAttached(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateThing(CreateThingInput{Name: "dev"})
	f.put(tableThingPrincipals, pairKey("dev2", "arn:aws:iot:eu-west-1:123456789012:cert/abc"), `{}`)
	if err := f.r.DeleteThing(context.Background(), DeleteThingInput{Name: "dev"}); err != nil {
		t.Fatalf("a principal of thing dev2 blocked deleting dev: %v", err)
	}
}
