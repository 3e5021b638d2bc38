package registry

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_AttachThingPrincipal_BothDirections(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	f.mustThing("t1")
	f.mustThing("t2")
	for _, th := range []string{"t1", "t2", "t1"} { // attaching again is fine
		f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: th, Principal: arn}))
	}
	things, err := f.r.ListPrincipalThings(ctx, ListPrincipalThingsInput{Principal: arn})
	f.must(err)
	if len(things.Items) != 2 || things.Items[0] != (PrincipalThing{"t1", NonExclusiveThing}) || things.Items[1].ThingName != "t2" {
		t.Errorf("ListPrincipalThings = %+v", things.Items)
	}
	ps, err := f.r.ListThingPrincipals(ctx, ListThingPrincipalsInput{ThingName: "t1"})
	f.must(err)
	if len(ps.Items) != 1 || ps.Items[0] != (ThingPrincipal{arn, NonExclusiveThing}) {
		t.Errorf("ListThingPrincipals = %+v", ps.Items)
	}
	names, err := f.r.ThingsForPrincipal(ctx, arn)
	f.must(err)
	if !slices.Equal(names, []string{"t1", "t2"}) {
		t.Errorf("ThingsForPrincipal = %v", names)
	}
	f.must(f.r.DetachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: arn}))
	names, _ = f.r.ThingsForPrincipal(ctx, arn)
	ps, _ = f.r.ListThingPrincipals(ctx, ListThingPrincipalsInput{ThingName: "t1"})
	if !slices.Equal(names, []string{"t2"}) || len(ps.Items) != 0 {
		t.Errorf("after detach: things %v, principals of t1 %v", names, ps.Items)
	}
}

func TestRegistry_AttachThingPrincipal_Errors(t *testing.T) {
	f := newCertFixture(t)
	_, arn := f.mustRegister(StatusActive)
	f.mustThing("t1")
	otherRegion := strings.Replace(arn, "us-east-1", "eu-west-1", 1)
	missing := certTestAccount.ARN(iot.TypeCert, strings.Repeat("a", 64))
	cases := []struct {
		name string
		in   ThingPrincipalInput
		code iot.Code
	}{
		{"missing thing", ThingPrincipalInput{ThingName: "nope", Principal: arn}, iot.ResourceNotFoundException},
		{"bad thing name", ThingPrincipalInput{ThingName: "a b", Principal: arn}, iot.InvalidRequestException},
		{"unknown certificate", ThingPrincipalInput{ThingName: "t1", Principal: missing}, iot.ResourceNotFoundException},
		{"other region", ThingPrincipalInput{ThingName: "t1", Principal: otherRegion}, iot.ResourceNotFoundException},
		{"no principal", ThingPrincipalInput{ThingName: "t1"}, iot.InvalidRequestException},
		{"not an ARN", ThingPrincipalInput{ThingName: "t1", Principal: "cert-1"}, iot.InvalidRequestException},
		{"policy ARN", ThingPrincipalInput{ThingName: "t1", Principal: certTestAccount.ARN(iot.TypePolicy, "p")}, iot.InvalidRequestException},
		{"cognito id", ThingPrincipalInput{ThingName: "t1", Principal: "us-east-1:0d3e3e9f-1b1a-4c2e-9a59-5a0f1e2b3c4d"}, iot.InvalidRequestException},
		{"bad type", ThingPrincipalInput{ThingName: "t1", Principal: arn, Type: "SHARED"}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error { return f.r.AttachThingPrincipal(context.Background(), tc.in) })
		})
	}
}

func TestRegistry_AttachThingPrincipal_Exclusive(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name        string
		first, then ThingPrincipalType
		sameThing   bool
		code        iot.Code
	}{
		{"exclusive after non-exclusive elsewhere", NonExclusiveThing, ExclusiveThing, false, iot.InvalidRequestException},
		{"non-exclusive after exclusive elsewhere", ExclusiveThing, NonExclusiveThing, false, iot.InvalidRequestException},
		{"exclusive after exclusive elsewhere", ExclusiveThing, ExclusiveThing, false, iot.InvalidRequestException},
		{"exclusive again on the same thing", ExclusiveThing, ExclusiveThing, true, ""},
		{"same thing becomes exclusive", NonExclusiveThing, ExclusiveThing, true, ""},
		{"non-exclusive twice", NonExclusiveThing, NonExclusiveThing, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newCertFixture(t)
			_, arn := f.mustRegister(StatusActive)
			f.mustThing("t1")
			f.mustThing("t2")
			f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: arn, Type: tc.first}))
			second := ThingPrincipalInput{ThingName: "t2", Principal: arn, Type: tc.then}
			if tc.sameThing {
				second.ThingName = "t1"
			}
			if tc.code != "" {
				f.failsUnchanged(tc.code, func() error { return f.r.AttachThingPrincipal(ctx, second) })
				return
			}
			f.must(f.r.AttachThingPrincipal(ctx, second))
			got, err := f.r.ListPrincipalThings(ctx, ListPrincipalThingsInput{Principal: arn, Type: tc.then})
			f.must(err)
			if !slices.Contains(got.Items, PrincipalThing{second.ThingName, tc.then}) {
				t.Errorf("ListPrincipalThings(type %s) = %v", tc.then, got.Items)
			}
		})
	}
}

func TestRegistry_DetachThingPrincipal_Errors(t *testing.T) {
	f := newCertFixture(t)
	_, arn := f.mustRegister(StatusActive)
	_, other := f.mustRegister(StatusActive)
	f.mustThing("t1")
	f.must(f.r.AttachThingPrincipal(context.Background(), ThingPrincipalInput{ThingName: "t1", Principal: other}))
	cases := []struct {
		name string
		in   ThingPrincipalInput
		code iot.Code
	}{
		{"not attached", ThingPrincipalInput{ThingName: "t1", Principal: arn}, iot.ResourceNotFoundException},
		{"missing thing", ThingPrincipalInput{ThingName: "t9", Principal: other}, iot.ResourceNotFoundException},
		{"not an ARN", ThingPrincipalInput{ThingName: "t1", Principal: "x"}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error { return f.r.DetachThingPrincipal(context.Background(), tc.in) })
		})
	}
}

func TestRegistry_ListThingPrincipals_PagesAndErrors(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	f.mustThing("t1")
	var want []string
	for range 5 {
		_, arn := f.mustRegister(StatusActive)
		f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: arn}))
		want = append(want, arn)
	}
	slices.Sort(want)
	var got []string
	token := ""
	for {
		page, err := f.r.ListThingPrincipals(ctx, ListThingPrincipalsInput{ThingName: "t1", NextToken: token, MaxResults: 2})
		f.must(err)
		for _, p := range page.Items {
			got = append(got, p.Principal)
		}
		if token = page.Next; token == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged principals %v, want %v", got, want)
	}
	_, err := f.r.ListThingPrincipals(ctx, ListThingPrincipalsInput{ThingName: "t9"})
	wantCode(t, err, iot.ResourceNotFoundException)
	if e, _ := iot.AsError(err); e.Message != "Failed to list principals for thing t9 because the thing does not exist in your account" {
		t.Errorf("message %q", e.Message)
	}
	_, err = f.r.ListThingPrincipals(ctx, ListThingPrincipalsInput{ThingName: "t1", Type: "X"})
	wantCode(t, err, iot.InvalidRequestException)
	_, err = f.r.ListPrincipalThings(ctx, ListPrincipalThingsInput{Principal: certTestAccount.ARN(iot.TypeCert, strings.Repeat("b", 64))})
	wantCode(t, err, iot.ResourceNotFoundException)
}
