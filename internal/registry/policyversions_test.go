package registry

import (
	"context"
	"slices"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func versionIDs(vs []PolicyVersion) (ids []string, def string) {
	for _, v := range vs {
		ids = append(ids, v.VersionID)
		if v.IsDefault {
			def = v.VersionID
		}
	}
	return ids, def
}

func TestRegistry_CreatePolicyVersion_LimitAndIDs(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	f.mustPolicy("p")
	for i := 2; i <= 5; i++ {
		v, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(i)})
		f.must(err)
		if v.VersionID != versionID(i) || v.IsDefault || v.Document != testPolicyDoc(i) ||
			v.PolicyARN != certTestAccount.ARN(iot.TypePolicy, "p") {
			t.Fatalf("version %d = %+v", i, v)
		}
	}
	var err error
	f.failsUnchanged(iot.VersionsLimitExceededException, func() error {
		_, err = f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(6)})
		return err
	})
	if e, _ := iot.AsError(err); e.Message != "The policy p already has the maximum number of versions (5)" {
		t.Errorf("message %q", e.Message)
	}
	f.must(f.r.DeletePolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "3"}))
	v, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(6), SetAsDefault: true})
	f.must(err)
	if v.VersionID != "6" || !v.IsDefault {
		t.Errorf("version after delete = %+v, want id 6 (never reused), default", v)
	}
	vs, err := f.r.ListPolicyVersions(ctx, "p")
	f.must(err)
	if ids, def := versionIDs(vs); !slices.Equal(ids, []string{"1", "2", "4", "5", "6"}) || def != "6" {
		t.Errorf("versions %v default %s", ids, def)
	}
	p, err := f.r.GetPolicy(ctx, "p")
	f.must(err)
	if p.DefaultVersionID != "6" || p.Document != testPolicyDoc(6) {
		t.Errorf("GetPolicy after setAsDefault = %+v", p)
	}
}

func TestRegistry_CreatePolicyVersion_Errors(t *testing.T) {
	f := newCertFixture(t)
	f.mustPolicy("p")
	cases := []struct {
		name string
		in   CreatePolicyVersionInput
		code iot.Code
	}{
		{"missing policy", CreatePolicyVersionInput{PolicyName: "q", Document: testPolicyDoc(1)}, iot.ResourceNotFoundException},
		{"malformed", CreatePolicyVersionInput{PolicyName: "p", Document: "{}"}, iot.MalformedPolicyException},
		{"bad name", CreatePolicyVersionInput{PolicyName: "p p", Document: testPolicyDoc(1)}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error {
				_, err := f.r.CreatePolicyVersion(context.Background(), tc.in)
				return err
			})
		})
	}
}

func TestRegistry_SetDefaultPolicyVersion_Switches(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	f.mustPolicy("p")
	_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(2)})
	f.must(err)
	before, _ := f.r.GetPolicy(ctx, "p")
	f.tick()
	f.must(f.r.SetDefaultPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "2"}))
	after, _ := f.r.GetPolicy(ctx, "p")
	if after.DefaultVersionID != "2" || after.Document != testPolicyDoc(2) || after.GenerationID == before.GenerationID ||
		!after.Modified.Equal(f.now) || !after.Created.Equal(before.Created) {
		t.Errorf("before %+v\nafter %+v", before, after)
	}
	v1, err := f.r.GetPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "1"})
	f.must(err)
	if v1.IsDefault || v1.Document != testPolicyDoc(0) || v1.PolicyName != "p" || v1.GenerationID != after.GenerationID {
		t.Errorf("version 1 = %+v", v1)
	}
	f.must(f.r.SetDefaultPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "2"})) // idempotent
}

func TestRegistry_PolicyVersion_Errors(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	f.mustPolicy("p")
	_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(2)})
	f.must(err)
	cases := []struct {
		name    string
		in      PolicyVersionInput
		get     iot.Code // GetPolicyVersion and SetDefaultPolicyVersion
		deleteC iot.Code // DeletePolicyVersion
	}{
		{"default version", PolicyVersionInput{"p", "1"}, "", iot.InvalidRequestException},
		{"missing version", PolicyVersionInput{"p", "9"}, iot.ResourceNotFoundException, iot.ResourceNotFoundException},
		{"padded id", PolicyVersionInput{"p", "01"}, iot.ResourceNotFoundException, iot.ResourceNotFoundException},
		{"not a number", PolicyVersionInput{"p", "v1"}, iot.InvalidRequestException, iot.InvalidRequestException},
		{"missing policy", PolicyVersionInput{"q", "1"}, iot.ResourceNotFoundException, iot.ResourceNotFoundException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			_, err := f.r.GetPolicyVersion(ctx, tc.in)
			wantCode(t, err, tc.get)
			if tc.get != "" {
				f.failsUnchanged(tc.get, func() error { return f.r.SetDefaultPolicyVersion(ctx, tc.in) })
			}
			f.failsUnchanged(tc.deleteC, func() error { return f.r.DeletePolicyVersion(ctx, tc.in) })
		})
	}
	_, err = f.r.ListPolicyVersions(ctx, "q")
	wantCode(t, err, iot.ResourceNotFoundException)
	err = f.r.DeletePolicyVersion(ctx, PolicyVersionInput{"p", "1"})
	if e, _ := iot.AsError(err); e.Message != "Cannot delete the default version of a policy" {
		t.Errorf("message %q", e.Message)
	}
}
