package registry

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_CreatePolicy_Created(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	doc := testPolicyDoc(1)
	p, err := f.r.CreatePolicy(ctx, CreatePolicyInput{Name: "p1", Document: doc, Tags: []Tag{{Key: "env", Value: "test"}}})
	f.must(err)
	want := Policy{Name: "p1", ARN: "arn:aws:iot:us-east-1:111122223333:policy/p1", Document: doc,
		DefaultVersionID: "1", Created: f.now, Modified: f.now, GenerationID: p.GenerationID}
	if p != want || p.GenerationID == "" {
		t.Fatalf("CreatePolicy = %+v, want %+v", p, want)
	}
	got, err := f.r.GetPolicy(ctx, "p1")
	f.must(err)
	if got != want {
		t.Errorf("GetPolicy = %+v, want %+v", got, want)
	}
	tags, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: p.ARN})
	f.must(err)
	if !slices.Equal(tags.Items, []Tag{{"env", "test"}}) {
		t.Errorf("tags = %v", tags.Items)
	}
	vs, err := f.r.ListPolicyVersions(ctx, "p1")
	f.must(err)
	if len(vs) != 1 || vs[0].VersionID != "1" || !vs[0].IsDefault || vs[0].Document != doc {
		t.Errorf("versions = %+v", vs)
	}
}

func TestRegistry_CreatePolicy_Errors(t *testing.T) {
	f := newCertFixture(t)
	f.mustPolicy("taken")
	cases := []struct {
		name string
		in   CreatePolicyInput
		code iot.Code
	}{
		{"malformed", CreatePolicyInput{Name: "p", Document: `{"Version":"2012-10-17"`}, iot.MalformedPolicyException},
		{"bad effect", CreatePolicyInput{Name: "p", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"iot:*","Resource":"*"}]}`}, iot.MalformedPolicyException},
		{"empty document", CreatePolicyInput{Name: "p", Document: ""}, iot.MalformedPolicyException},
		{"bad name", CreatePolicyInput{Name: "a/b", Document: testPolicyDoc(1)}, iot.InvalidRequestException},
		{"long name", CreatePolicyInput{Name: strings.Repeat("n", 129), Document: testPolicyDoc(1)}, iot.InvalidRequestException},
		{"exists", CreatePolicyInput{Name: "taken", Document: testPolicyDoc(2)}, iot.ResourceAlreadyExistsException},
		{"reserved tag", CreatePolicyInput{Name: "p", Document: testPolicyDoc(1), Tags: []Tag{{"aws:x", "y"}}}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error {
				_, err := f.r.CreatePolicy(context.Background(), tc.in)
				return err
			})
		})
	}
	_, err := f.r.CreatePolicy(context.Background(), CreatePolicyInput{Name: "taken", Document: testPolicyDoc(2)})
	if e, _ := iot.AsError(err); e.Message != "Policy cannot be created - name already exists (name=taken)" ||
		e.ResourceID != "taken" || e.ResourceArn != certTestAccount.ARN(iot.TypePolicy, "taken") {
		t.Errorf("exists error = %+v", e)
	}
}

func TestRegistry_GetPolicy_Missing(t *testing.T) {
	f := newCertFixture(t)
	_, err := f.r.GetPolicy(context.Background(), "nope")
	wantCode(t, err, iot.ResourceNotFoundException)
}

func TestRegistry_ListPolicies_OrderAndPages(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	names := []string{"zeta", "alpha", "mid", "beta"}
	for _, n := range names {
		f.mustPolicy(n)
	}
	newest := slices.Clone(names)
	slices.Reverse(newest)
	for _, tc := range []struct {
		asc  bool
		want []string
	}{{true, names}, {false, newest}} {
		var got []string
		marker := ""
		for {
			page, err := f.r.ListPolicies(ctx, ListPoliciesInput{Marker: marker, PageSize: 3, Ascending: tc.asc})
			f.must(err)
			for _, p := range page.Items {
				got = append(got, p.Name)
				if p.ARN != certTestAccount.ARN(iot.TypePolicy, p.Name) {
					t.Errorf("ARN %s", p.ARN)
				}
			}
			if marker = page.Next; marker == "" {
				break
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ascending=%v: %v, want %v", tc.asc, got, tc.want)
		}
	}
}

func TestRegistry_DeletePolicy_Refusals(t *testing.T) {
	ctx := context.Background()
	f := newCertFixture(t)
	_, arn := f.mustRegister(StatusActive)
	f.mustPolicy("attached")
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{PolicyName: "attached", Target: arn}))
	f.mustPolicy("versioned")
	_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "versioned", Document: testPolicyDoc(2)})
	f.must(err)
	cases := map[string]iot.Code{"attached": iot.DeleteConflictException, "versioned": iot.DeleteConflictException,
		"missing": iot.ResourceNotFoundException, "bad/name": iot.InvalidRequestException}
	for name, code := range cases {
		t.Run(name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(code, func() error { return f.r.DeletePolicy(ctx, name) })
		})
	}
}

func TestRegistry_DeletePolicy_Deleted(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	empty := f.dump()
	_, err := f.r.CreatePolicy(ctx, CreatePolicyInput{Name: "p1", Document: testPolicyDoc(1), Tags: []Tag{{"k", "v"}}})
	f.must(err)
	v, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p1", Document: testPolicyDoc(2), SetAsDefault: true})
	f.must(err)
	f.must(f.r.DeletePolicyVersion(ctx, PolicyVersionInput{PolicyName: "p1", VersionID: "1"}))
	f.must(f.r.DeletePolicy(ctx, "p1"))
	if after := f.dump(); len(after) != len(empty) {
		t.Errorf("DeletePolicy left records behind: %v", after)
	}
	if v.VersionID != "2" {
		t.Errorf("second version id %s", v.VersionID)
	}
	p, err := f.r.CreatePolicy(ctx, CreatePolicyInput{Name: "p1", Document: testPolicyDoc(3)})
	f.must(err)
	if p.DefaultVersionID != "1" {
		t.Errorf("recreated policy starts at version %s", p.DefaultVersionID)
	}
}
