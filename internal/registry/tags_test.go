package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// tagsFixture has a thing type "sensor", a policy "p1" (a raw record, as
// the policies code would write it) and a thing "t1".
func tagsFixture(t *testing.T) (*thingsFixture, string, string) {
	f := newThingsFixture(t)
	f.mustCreateType("sensor", false)
	f.put(tablePolicies, "p1", `{}`)
	f.mustCreateThing(CreateThingInput{Name: "t1"})
	return f, thingsTestAccount.ARN(iot.TypeThingType, "sensor"), thingsTestAccount.ARN(iot.TypePolicy, "p1")
}

func (f *thingsFixture) tags(arn string) []Tag {
	f.t.Helper()
	page, err := f.r.ListTagsForResource(context.Background(), ListTagsInput{ResourceARN: arn})
	if err != nil {
		f.t.Fatal(err)
	}
	return page.Items
}

func TestRegistry_TagResource_AddReplaceRemove(t *testing.T) {
	f, typeARN, policyARN := tagsFixture(t)
	ctx := context.Background()
	for _, arn := range []string{typeARN, policyARN} {
		if got := f.tags(arn); len(got) != 0 || got == nil {
			t.Errorf("%s starts with tags %#v, want an empty list", arn, got)
		}
		if err := f.r.TagResource(ctx, arn, []Tag{{"b", "2"}, {"a", "1"}, {"empty", ""}}); err != nil {
			t.Fatal(err)
		}
		if err := f.r.TagResource(ctx, arn, []Tag{{"a", "10"}, {"c", "3"}}); err != nil {
			t.Fatal(err)
		}
		want := []Tag{{"a", "10"}, {"b", "2"}, {"c", "3"}, {"empty", ""}}
		if got := f.tags(arn); !slices.Equal(got, want) {
			t.Errorf("%s tags = %v, want %v", arn, got, want)
		}
		if err := f.r.UntagResource(ctx, arn, []string{"b", "not-there"}); err != nil {
			t.Fatal(err)
		}
		if got := f.tags(arn); !slices.Equal(got, []Tag{{"a", "10"}, {"c", "3"}, {"empty", ""}}) {
			t.Errorf("%s after untag = %v", arn, got)
		}
	}
	if err := f.r.UntagResource(ctx, typeARN, []string{"a", "c", "empty"}); err != nil {
		t.Fatal(err)
	}
	if f.has(tableTags, typeARN) {
		t.Error("removing the last tag left an empty record")
	}
}

func TestRegistry_TagResource_Errors(t *testing.T) {
	fifty := make([]Tag, 50)
	for i := range fifty {
		fifty[i] = Tag{Key: fmt.Sprintf("k%02d", i)}
	}
	other := iot.Account{Partition: "aws", Region: "eu-west-1", ID: "999999999999"}
	cases := []struct {
		name string
		arn  string // "" means the thing type
		tags []Tag
		want iot.Code
	}{
		{"thing not taggable", thingsTestAccount.ARN(iot.TypeThing, "t1"), []Tag{{"k", "v"}}, iot.InvalidRequestException},
		{"certificate not taggable", thingsTestAccount.ARN(iot.TypeCert, strings.Repeat("a", 64)), []Tag{{"k", "v"}}, iot.InvalidRequestException},
		{"missing thing type", thingsTestAccount.ARN(iot.TypeThingType, "nope"), []Tag{{"k", "v"}}, iot.ResourceNotFoundException},
		{"missing policy", thingsTestAccount.ARN(iot.TypePolicy, "nope"), []Tag{{"k", "v"}}, iot.ResourceNotFoundException},
		{"other account", other.ARN(iot.TypeThingType, "sensor"), []Tag{{"k", "v"}}, iot.ResourceNotFoundException},
		{"not an ARN", "sensor", []Tag{{"k", "v"}}, iot.InvalidRequestException},
		{"empty ARN", "-", []Tag{{"k", "v"}}, iot.InvalidRequestException},
		{"other service", "arn:aws:s3:eu-west-1:123456789012:thingtype/sensor", []Tag{{"k", "v"}}, iot.InvalidRequestException},
		{"empty key", "", []Tag{{"", "v"}}, iot.InvalidRequestException},
		{"key too long", "", []Tag{{strings.Repeat("k", 129), "v"}}, iot.InvalidRequestException},
		{"key bad character", "", []Tag{{"a*b", "v"}}, iot.InvalidRequestException},
		{"key reserved", "", []Tag{{"aws:owner", "v"}}, iot.InvalidRequestException},
		{"value too long", "", []Tag{{"k", strings.Repeat("v", 257)}}, iot.InvalidRequestException},
		{"duplicate key", "", []Tag{{"k", "1"}, {"k", "2"}}, iot.InvalidRequestException},
		{"51st tag", "", []Tag{{"one-more", "v"}}, iot.LimitExceededException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, typeARN, _ := tagsFixture(t)
			if err := f.r.TagResource(context.Background(), typeARN, fifty); err != nil {
				t.Fatal(err)
			}
			arn := c.arn
			switch arn {
			case "":
				arn = typeARN
			case "-":
				arn = ""
			}
			f.wantUnchanged(c.want, func() error { return f.r.TagResource(context.Background(), arn, c.tags) })
		})
	}
}

func TestRegistry_TagResource_Limits(t *testing.T) {
	f, typeARN, _ := tagsFixture(t)
	ok := []Tag{
		{strings.Repeat("k", 128), strings.Repeat("v", 256)},
		{"ünïcode key 1 _.:/=+-@", "any value: *&^%"},
	}
	if err := f.r.TagResource(context.Background(), typeARN, ok); err != nil {
		t.Fatalf("tags at the limits were refused: %v", err)
	}
}

func TestRegistry_UntagResource_Errors(t *testing.T) {
	f, typeARN, _ := tagsFixture(t)
	if err := f.r.TagResource(context.Background(), typeARN, []Tag{{"k", "v"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		arn  string
		keys []string
		want iot.Code
	}{
		{"missing resource", thingsTestAccount.ARN(iot.TypeThingType, "nope"), []string{"k"}, iot.ResourceNotFoundException},
		{"thing", thingsTestAccount.ARN(iot.TypeThing, "t1"), []string{"k"}, iot.InvalidRequestException},
		{"empty key", typeARN, []string{""}, iot.InvalidRequestException},
		{"long key", typeARN, []string{strings.Repeat("k", 129)}, iot.InvalidRequestException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.wantUnchanged(c.want, func() error { return f.r.UntagResource(context.Background(), c.arn, c.keys) })
		})
	}
}

func TestRegistry_ListTagsForResource_Errors(t *testing.T) {
	f, typeARN, _ := tagsFixture(t)
	ctx := context.Background()
	_, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: thingsTestAccount.ARN(iot.TypeThingType, "nope")})
	wantCode(t, err, iot.ResourceNotFoundException)
	_, err = f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: ""})
	wantCode(t, err, iot.InvalidRequestException)
	_, err = f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: typeARN, NextToken: "***"})
	wantCode(t, err, iot.InvalidRequestException)
}

func TestRegistry_ListTagsForResource_Token(t *testing.T) {
	f, typeARN, _ := tagsFixture(t)
	ctx := context.Background()
	if err := f.r.TagResource(ctx, typeARN, []Tag{{"a", "1"}, {"b", "2"}, {"c", "3"}}); err != nil {
		t.Fatal(err)
	}
	page, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: typeARN, NextToken: encodeToken("a")})
	if err != nil || !slices.Equal(page.Items, []Tag{{"b", "2"}, {"c", "3"}}) || page.Next != "" {
		t.Errorf("page after a = %v next %q, %v", page.Items, page.Next, err)
	}
}

func TestRegistry_putTagsTxn_deleteTagsTxn(t *testing.T) {
	f := newThingsFixture(t)
	ctx := context.Background()
	arn := thingsTestAccount.ARN(iot.TypePolicy, "p")
	tooMany := make([]Tag, 51)
	for i := range tooMany {
		tooMany[i] = Tag{Key: fmt.Sprint(i)}
	}
	for _, bad := range [][]Tag{tooMany, {{"aws:x", ""}}, {{"", ""}}} {
		err := f.st.Update(ctx, func(tx store.Tx) error { return putTagsTxn(tx, arn, bad) })
		wantCode(t, err, iot.InvalidRequestException)
	}
	err := f.st.Update(ctx, func(tx store.Tx) error { return putTagsTxn(tx, arn, []Tag{{"k", "v"}}) })
	if err != nil || !f.has(tableTags, arn) {
		t.Fatalf("putTagsTxn: %v", err)
	}
	err = f.st.Update(ctx, func(tx store.Tx) error { return putTagsTxn(tx, arn+"2", nil) })
	if err != nil || f.has(tableTags, arn+"2") {
		t.Fatalf("putTagsTxn with no tags wrote a record (err %v)", err)
	}
	for range 2 { // a second delete finds nothing and is fine
		if err := f.st.Update(ctx, func(tx store.Tx) error { return deleteTagsTxn(tx, arn) }); err != nil {
			t.Fatal(err)
		}
	}
	if f.has(tableTags, arn) {
		t.Error("deleteTagsTxn left the tags")
	}
}
