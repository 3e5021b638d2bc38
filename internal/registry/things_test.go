package registry

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// thingsTestAccount is the account the things, thing types and tags tests
// name their ARNs in.
var thingsTestAccount = iot.Account{Partition: "aws", Region: "eu-west-1", ID: "123456789012"}

// thingsFixture is a Registry on a real SQLite store in a temp dir, with a
// clock the test sets.
type thingsFixture struct {
	t   *testing.T
	r   *Registry
	st  store.Store
	now time.Time
}

func newThingsFixture(t *testing.T) *thingsFixture {
	t.Helper()
	st := openTestStore(t)
	f := &thingsFixture{t: t, st: st, now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	f.r = New(st, thingsTestAccount, nil, Options{Now: func() time.Time { return f.now }})
	return f
}

// put writes a raw record, for state the things code does not create
// itself (principal attachments, policies).
func (f *thingsFixture) put(table, key, value string) {
	f.t.Helper()
	err := f.st.Update(context.Background(), func(tx store.Tx) error {
		_, err := tx.Put(table, key, []byte(value))
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// has reports whether table holds key.
func (f *thingsFixture) has(table, key string) bool {
	f.t.Helper()
	found := false
	err := f.st.View(context.Background(), func(tx store.ReadTx) error {
		var v any
		var err error
		found, err = getJSON(tx, table, key, &v)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return found
}

// snapshot returns every record of the registry's tables, to show that a
// failed request changed nothing.
func (f *thingsFixture) snapshot() map[string]string {
	f.t.Helper()
	return dumpTables(f.t, f.st, []string{tableThings, tableThingTypes, tableTags, tableThingPrincipals, tablePolicies})
}

// mustCreateType creates a thing type, deprecated if asked.
func (f *thingsFixture) mustCreateType(name string, deprecated bool) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.r.CreateThingType(ctx, CreateThingTypeInput{Name: name}); err != nil {
		f.t.Fatal(err)
	}
	if deprecated {
		if err := f.r.DeprecateThingType(ctx, name, false); err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *thingsFixture) mustCreateThing(in CreateThingInput) Thing {
	f.t.Helper()
	th, err := f.r.CreateThing(context.Background(), in)
	if err != nil {
		f.t.Fatalf("CreateThing(%+v): %v", in, err)
	}
	return th
}

// wantUnchanged runs a request that must fail with code and checks that
// it left the store as it was.
func (f *thingsFixture) wantUnchanged(code iot.Code, op func() error) {
	f.t.Helper()
	wantFailsUnchanged(f.t, f.snapshot, code, op)
}

func attrsN(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("a%02d", i)] = "v"
	}
	return m
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRegistry_CreateThing_Created(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateType("sensor", false)
	th := f.mustCreateThing(CreateThingInput{Name: "t1", TypeName: "sensor",
		Attributes: map[string]string{"color": "red", "gone": ""}})
	if !uuidRe.MatchString(th.ID) {
		t.Errorf("thing id %q is not a UUID", th.ID)
	}
	if th.ARN != "arn:aws:iot:eu-west-1:123456789012:thing/t1" || th.Version != 1 || th.TypeName != "sensor" {
		t.Errorf("created %+v", th)
	}
	got, err := f.r.DescribeThing(context.Background(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	want := Thing{Name: "t1", ID: th.ID, ARN: th.ARN, TypeName: "sensor",
		Attributes: map[string]string{"color": "red"}, Version: 1}
	if !thingsEqual(got, want) {
		t.Errorf("DescribeThing = %+v, want %+v", got, want)
	}
	other := f.mustCreateThing(CreateThingInput{Name: "t2"})
	if other.ID == th.ID {
		t.Error("two things got the same id")
	}
}

func thingsEqual(a, b Thing) bool {
	return a.Name == b.Name && a.ID == b.ID && a.ARN == b.ARN && a.TypeName == b.TypeName &&
		maps.Equal(a.Attributes, b.Attributes) && a.Version == b.Version && a.BillingGroupName == b.BillingGroupName
}

func TestRegistry_CreateThing_Idempotent(t *testing.T) {
	f := newThingsFixture(t)
	in := CreateThingInput{Name: "t1", Attributes: map[string]string{"a": "1"}}
	first := f.mustCreateThing(in)
	again := f.mustCreateThing(in)
	if again.ID != first.ID || again.Version != 1 {
		t.Errorf("repeated create = %+v, want the first thing %+v", again, first)
	}
}

func TestRegistry_CreateThing_Errors(t *testing.T) {
	long := string(make([]byte, 129))
	cases := []struct {
		name string
		in   CreateThingInput
		want iot.Code
	}{
		{"exists with other attributes", CreateThingInput{Name: "old", Attributes: map[string]string{"a": "2"}}, iot.ResourceAlreadyExistsException},
		{"exists with a type", CreateThingInput{Name: "old", TypeName: "sensor", Attributes: map[string]string{"a": "1"}}, iot.ResourceAlreadyExistsException},
		{"unknown type", CreateThingInput{Name: "t", TypeName: "nope"}, iot.ResourceNotFoundException},
		{"deprecated type", CreateThingInput{Name: "t", TypeName: "retired"}, iot.InvalidRequestException},
		{"billing group", CreateThingInput{Name: "t", BillingGroupName: "bg"}, iot.ResourceNotFoundException},
		{"4 attributes without type", CreateThingInput{Name: "t", Attributes: attrsN(4)}, iot.InvalidRequestException},
		{"51 attributes with type", CreateThingInput{Name: "t", TypeName: "sensor", Attributes: attrsN(51)}, iot.InvalidRequestException},
		{"empty name", CreateThingInput{Name: ""}, iot.InvalidRequestException},
		{"bad name", CreateThingInput{Name: "a/b"}, iot.InvalidRequestException},
		{"long name", CreateThingInput{Name: long}, iot.InvalidRequestException},
		{"bad type name", CreateThingInput{Name: "t", TypeName: "a b"}, iot.InvalidRequestException},
		{"bad attribute name", CreateThingInput{Name: "t", Attributes: map[string]string{"a b": "1"}}, iot.InvalidRequestException},
		{"bad attribute value", CreateThingInput{Name: "t", Attributes: map[string]string{"a": "x y"}}, iot.InvalidRequestException},
		{"bad attribute name with empty value", CreateThingInput{Name: "t", Attributes: map[string]string{"a b": ""}}, iot.InvalidRequestException},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newThingsFixture(t)
			f.mustCreateType("sensor", false)
			f.mustCreateType("retired", true)
			f.mustCreateThing(CreateThingInput{Name: "old", Attributes: map[string]string{"a": "1"}})
			f.wantUnchanged(c.want, func() error {
				_, err := f.r.CreateThing(context.Background(), c.in)
				return err
			})
		})
	}
}

func TestRegistry_CreateThing_AttributeLimits(t *testing.T) {
	f := newThingsFixture(t)
	f.mustCreateType("sensor", false)
	f.mustCreateThing(CreateThingInput{Name: "untyped", Attributes: attrsN(3)})
	f.mustCreateThing(CreateThingInput{Name: "typed", TypeName: "sensor", Attributes: attrsN(50)})
	big := map[string]string{"n": longValue(800)}
	f.mustCreateThing(CreateThingInput{Name: "bigvalue", Attributes: big})
	_, err := f.r.CreateThing(context.Background(), CreateThingInput{Name: "toobig", Attributes: map[string]string{"n": longValue(801)}})
	wantCode(t, err, iot.InvalidRequestException)
}

func longValue(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}

func TestRegistry_DescribeThing_Errors(t *testing.T) {
	f := newThingsFixture(t)
	_, err := f.r.DescribeThing(context.Background(), "missing")
	wantCode(t, err, iot.ResourceNotFoundException)
	_, err = f.r.DescribeThing(context.Background(), "bad name")
	wantCode(t, err, iot.InvalidRequestException)
}
