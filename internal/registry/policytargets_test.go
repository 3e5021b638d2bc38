package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func policyNames(ps []PolicySummary) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestRegistry_AttachPolicy_BothDirections(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	_, arn2 := f.mustRegister(StatusActive)
	f.mustPolicy("b")
	f.mustPolicy("a")
	for _, in := range []PolicyTargetInput{{"b", arn}, {"a", arn}, {"a", arn}, {"a", arn2}} {
		f.must(f.r.AttachPolicy(ctx, in))
	}
	attached, err := f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: arn})
	f.must(err)
	if got := policyNames(attached.Items); !slices.Equal(got, []string{"a", "b"}) || attached.Items[0].ARN != certTestAccount.ARN(iot.TypePolicy, "a") {
		t.Errorf("ListAttachedPolicies = %+v", attached.Items)
	}
	targets, err := f.r.ListTargetsForPolicy(ctx, ListTargetsForPolicyInput{PolicyName: "a"})
	f.must(err)
	want := []string{arn, arn2}
	slices.Sort(want)
	if !slices.Equal(targets.Items, want) {
		t.Errorf("ListTargetsForPolicy = %v, want %v", targets.Items, want)
	}
	page, err := f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: arn, PageSize: 1})
	f.must(err)
	next, err := f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: arn, PageSize: 1, Marker: page.Next})
	f.must(err)
	if policyNames(page.Items)[0] != "a" || page.Next == "" || policyNames(next.Items)[0] != "b" || next.Next != "" {
		t.Errorf("pages %+v then %+v", page, next)
	}

	f.must(f.r.DetachPolicy(ctx, PolicyTargetInput{"a", arn}))
	attached, _ = f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: arn})
	targets, _ = f.r.ListTargetsForPolicy(ctx, ListTargetsForPolicyInput{PolicyName: "a"})
	if !slices.Equal(policyNames(attached.Items), []string{"b"}) || !slices.Equal(targets.Items, []string{arn2}) {
		t.Errorf("after detach: %v, %v", attached.Items, targets.Items)
	}
}

func TestRegistry_AttachPolicy_Errors(t *testing.T) {
	f := newCertFixture(t)
	_, arn := f.mustRegister(StatusActive)
	f.mustPolicy("p")
	cases := []struct {
		name string
		in   PolicyTargetInput
		code iot.Code
	}{
		{"missing policy", PolicyTargetInput{"q", arn}, iot.ResourceNotFoundException},
		{"missing certificate", PolicyTargetInput{"p", certTestAccount.ARN(iot.TypeCert, strings.Repeat("c", 64))}, iot.ResourceNotFoundException},
		{"thing group", PolicyTargetInput{"p", certTestAccount.ARN(iot.TypeThingGroup, "g")}, iot.ResourceNotFoundException},
		{"not an ARN", PolicyTargetInput{"p", "target"}, iot.InvalidRequestException},
		{"cognito", PolicyTargetInput{"p", "eu-west-1:0d3e3e9f-1b1a-4c2e-9a59-5a0f1e2b3c4d"}, iot.InvalidRequestException},
		{"bad policy name", PolicyTargetInput{"p p", arn}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error { return f.r.AttachPolicy(context.Background(), tc.in) })
		})
	}
}

func TestRegistry_AttachPolicy_LimitPerTarget(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	for i := range maxPoliciesPerTarget + 1 {
		f.mustPolicy(fmt.Sprintf("p%02d", i))
	}
	for i := range maxPoliciesPerTarget {
		f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{fmt.Sprintf("p%02d", i), arn}))
	}
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p00", arn})) // already attached: no new slot needed
	f.failsUnchanged(iot.LimitExceededException, func() error {
		return f.r.AttachPolicy(ctx, PolicyTargetInput{"p10", arn})
	})
}

func TestRegistry_DetachPolicy_Idempotent(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	f.mustPolicy("p")
	for _, in := range []PolicyTargetInput{
		{"p", arn}, // not attached
		{"missing", arn},
		{"p", certTestAccount.ARN(iot.TypeCert, strings.Repeat("d", 64))},
	} {
		before := f.dump()
		f.must(f.r.DetachPolicy(ctx, in))
		if len(f.dump()) != len(before) {
			t.Errorf("DetachPolicy(%v) changed the store", in)
		}
	}
	f.failsUnchanged(iot.InvalidRequestException, func() error { return f.r.DetachPolicy(ctx, PolicyTargetInput{"p", "nope"}) })
}

func TestRegistry_DetachPrincipalPolicy_Strict(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	f.mustPolicy("p")
	f.failsUnchanged(iot.ResourceNotFoundException, func() error { return f.r.DetachPrincipalPolicy(ctx, PolicyTargetInput{"p", arn}) })
	f.failsUnchanged(iot.ResourceNotFoundException, func() error { return f.r.DetachPrincipalPolicy(ctx, PolicyTargetInput{"q", arn}) })
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p", arn}))
	f.must(f.r.DetachPrincipalPolicy(ctx, PolicyTargetInput{"p", arn}))
	docs, _ := f.r.PolicyDocumentsForPrincipal(ctx, arn)
	if len(docs) != 0 {
		t.Errorf("still attached: %v", docs)
	}
}

func TestRegistry_ListAttachments_Errors(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, err := f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: certTestAccount.ARN(iot.TypeCert, strings.Repeat("e", 64))})
	wantCode(t, err, iot.ResourceNotFoundException)
	_, err = f.r.ListAttachedPolicies(ctx, ListAttachedPoliciesInput{Target: "x"})
	wantCode(t, err, iot.InvalidRequestException)
	_, err = f.r.ListTargetsForPolicy(ctx, ListTargetsForPolicyInput{PolicyName: "missing"})
	wantCode(t, err, iot.ResourceNotFoundException)
}

func TestRegistry_PolicyDocumentsForPrincipal_DefaultVersions(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	f.mustPolicy("p1")
	f.mustPolicy("p2")
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p1", arn}))
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p2", arn}))
	_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p2", Document: testPolicyDoc(7), SetAsDefault: true})
	f.must(err)
	_, err = f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p1", Document: testPolicyDoc(8)})
	f.must(err)
	docs, err := f.r.PolicyDocumentsForPrincipal(ctx, arn)
	f.must(err)
	want := []NamedPolicy{
		{"p1", certTestAccount.ARN(iot.TypePolicy, "p1"), testPolicyDoc(0)},
		{"p2", certTestAccount.ARN(iot.TypePolicy, "p2"), testPolicyDoc(7)},
	}
	if !slices.Equal(docs, want) {
		t.Errorf("PolicyDocumentsForPrincipal = %v, want %v", docs, want)
	}
	eff, err := f.r.GetEffectivePolicies(ctx, GetEffectivePoliciesInput{Principal: arn})
	f.must(err)
	if !slices.Equal(eff, want) {
		t.Errorf("GetEffectivePolicies = %v", eff)
	}
	none, err := f.r.PolicyDocumentsForPrincipal(ctx, "arn:aws:iot:us-east-1:111122223333:cert/none")
	if err != nil || len(none) != 0 {
		t.Errorf("unknown principal: %v, %v", none, err)
	}
}

func TestRegistry_GetEffectivePolicies_Errors(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	_, arn := f.mustRegister(StatusActive)
	f.mustThing("t1")
	cases := []struct {
		in   GetEffectivePoliciesInput
		code iot.Code
	}{
		{GetEffectivePoliciesInput{}, iot.InvalidRequestException},
		{GetEffectivePoliciesInput{Principal: arn, ThingName: "t2"}, iot.ResourceNotFoundException},
		{GetEffectivePoliciesInput{Principal: arn, CognitoIdentityPoolID: "pool"}, iot.InvalidRequestException},
		{GetEffectivePoliciesInput{Principal: arn, ThingName: "t1"}, ""},
	}
	for _, tc := range cases {
		_, err := f.r.GetEffectivePolicies(ctx, tc.in)
		wantCode(t, err, tc.code)
	}
}
