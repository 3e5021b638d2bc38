package registry

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

// changeFixture is a certFixture whose registry reports to OnChange. The
// hook records each Change together with what probe read from the
// registry at that moment, which shows whether the commit was visible.
type changeFixture struct {
	*certFixture
	id, arn string // an ACTIVE certificate
	got     []Change
	seen    []string
	probe   func() string
}

func newChangeFixture(t *testing.T) *changeFixture {
	f := &changeFixture{certFixture: newCertFixture(t)}
	f.r = New(f.st, certTestAccount, nil, Options{Now: func() time.Time { return f.now }, OnChange: f.record})
	f.id, f.arn = f.mustRegister(StatusActive)
	f.mustPolicy("p")
	f.mustPolicy("q")
	f.mustThing("t1")
	f.got, f.seen = nil, nil
	return f
}

func (f *changeFixture) record(c Change) {
	f.got = append(f.got, c)
	if f.probe != nil {
		f.seen = append(f.seen, f.probe())
	}
}

// attached probes the policies attached to the fixture's certificate.
func (f *changeFixture) attached() string {
	page, err := f.r.ListAttachedPolicies(context.Background(), ListAttachedPoliciesInput{Target: f.arn})
	return fmt.Sprintf("%v %v", policyNames(page.Items), err)
}

func (f *changeFixture) things() string {
	names, err := f.r.ThingsForPrincipal(context.Background(), f.arn)
	return fmt.Sprintf("%v %v", names, err)
}

func (f *changeFixture) status() string {
	c, err := f.r.CertificateByID(context.Background(), f.id)
	return fmt.Sprintf("%v %v", c.Status, iot.IsCode(err, iot.ResourceNotFoundException))
}

func (f *changeFixture) defaultVersion() string {
	p, err := f.r.GetPolicy(context.Background(), "p")
	return fmt.Sprintf("%v %v", p.DefaultVersionID, iot.IsCode(err, iot.ResourceNotFoundException))
}

func (f *changeFixture) thing() string {
	th, err := f.r.DescribeThing(context.Background(), "t1")
	return fmt.Sprintf("%v %v", th.Attributes, iot.IsCode(err, iot.ResourceNotFoundException))
}

func TestRegistry_OnChange_AfterCommit(t *testing.T) {
	ctx := context.Background()
	type fx = changeFixture
	attach := func(f *fx) { f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p", f.arn})) }
	attachThing := func(f *fx) {
		f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn}))
	}
	inactive := func(f *fx) {
		f.must(f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusInactive}))
	}
	tests := []struct {
		name  string
		setup func(*fx)
		op    func(*fx) error
		probe func(*fx) string
		want  func(*fx) Change // nil: no change is reported
		seen  string           // what probe read inside the hook
	}{
		{"attach policy", nil, func(f *fx) error { return f.r.AttachPolicy(ctx, PolicyTargetInput{"p", f.arn}) },
			(*fx).attached, func(f *fx) Change {
				return Change{Kind: ChangePolicyAttached, PolicyName: "p", PrincipalARN: f.arn, CertificateID: f.id}
			}, "[p] <nil>"},
		{"attach policy again", attach, func(f *fx) error { return f.r.AttachPolicy(ctx, PolicyTargetInput{"p", f.arn}) },
			nil, nil, ""},
		{"detach policy", attach, func(f *fx) error { return f.r.DetachPolicy(ctx, PolicyTargetInput{"p", f.arn}) },
			(*fx).attached, func(f *fx) Change {
				return Change{Kind: ChangePolicyDetached, PolicyName: "p", PrincipalARN: f.arn, CertificateID: f.id}
			}, "[] <nil>"},
		{"detach policy not attached", nil, func(f *fx) error { return f.r.DetachPolicy(ctx, PolicyTargetInput{"p", f.arn}) },
			nil, nil, ""},
		{"detach principal policy", attach, func(f *fx) error {
			return f.r.DetachPrincipalPolicy(ctx, PolicyTargetInput{"p", f.arn})
		}, (*fx).attached, func(f *fx) Change {
			return Change{Kind: ChangePolicyDetached, PolicyName: "p", PrincipalARN: f.arn, CertificateID: f.id}
		}, "[] <nil>"},
		{"new default version", nil, func(f *fx) error {
			_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(2), SetAsDefault: true})
			return err
		}, (*fx).defaultVersion, func(*fx) Change { return Change{Kind: ChangePolicyDefaultVersion, PolicyName: "p"} }, "2 false"},
		{"new version not default", nil, func(f *fx) error {
			_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(2)})
			return err
		}, nil, nil, ""},
		{"set default version", func(f *fx) {
			_, err := f.r.CreatePolicyVersion(ctx, CreatePolicyVersionInput{PolicyName: "p", Document: testPolicyDoc(2)})
			f.must(err)
		}, func(f *fx) error {
			return f.r.SetDefaultPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "2"})
		}, (*fx).defaultVersion, func(*fx) Change { return Change{Kind: ChangePolicyDefaultVersion, PolicyName: "p"} }, "2 false"},
		{"set the default it has", nil, func(f *fx) error {
			return f.r.SetDefaultPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "1"})
		}, nil, nil, ""},
		{"delete policy", nil, func(f *fx) error { return f.r.DeletePolicy(ctx, "p") },
			(*fx).defaultVersion, func(*fx) Change { return Change{Kind: ChangePolicyDeleted, PolicyName: "p"} }, " true"},
		{"deactivate certificate", nil, func(f *fx) error {
			return f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusInactive})
		}, (*fx).status, func(f *fx) Change {
			return Change{Kind: ChangeCertificateStatus, CertificateID: f.id, PrincipalARN: f.arn, NewStatus: StatusInactive}
		}, "INACTIVE false"},
		{"status it has", nil, func(f *fx) error {
			return f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusActive})
		}, nil, nil, ""},
		{"delete certificate", inactive, func(f *fx) error {
			return f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: f.id})
		}, (*fx).status, func(f *fx) Change {
			return Change{Kind: ChangeCertificateDeleted, CertificateID: f.id, PrincipalARN: f.arn}
		}, " true"},
		{"attach thing", nil, func(f *fx) error {
			return f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn})
		}, (*fx).things, func(f *fx) Change {
			return Change{Kind: ChangeThingPrincipalAttached, ThingName: "t1", PrincipalARN: f.arn, CertificateID: f.id}
		}, "[t1] <nil>"},
		{"attach thing again", attachThing, func(f *fx) error {
			return f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn})
		}, nil, nil, ""},
		{"attach thing exclusively", attachThing, func(f *fx) error {
			return f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn, Type: ExclusiveThing})
		}, (*fx).things, func(f *fx) Change {
			return Change{Kind: ChangeThingPrincipalAttached, ThingName: "t1", PrincipalARN: f.arn, CertificateID: f.id}
		}, "[t1] <nil>"},
		{"detach thing", attachThing, func(f *fx) error {
			return f.r.DetachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn})
		}, (*fx).things, func(f *fx) Change {
			return Change{Kind: ChangeThingPrincipalDetached, ThingName: "t1", PrincipalARN: f.arn, CertificateID: f.id}
		}, "[] <nil>"},
		{"update thing", nil, func(f *fx) error {
			return f.r.UpdateThing(ctx, UpdateThingInput{Name: "t1", Attributes: map[string]string{"room": "7"}})
		}, (*fx).thing, func(*fx) Change { return Change{Kind: ChangeThingUpdated, ThingName: "t1"} }, "map[room:7] false"},
		{"delete thing", nil, func(f *fx) error { return f.r.DeleteThing(ctx, DeleteThingInput{Name: "t1"}) },
			(*fx).thing, func(*fx) Change { return Change{Kind: ChangeThingDeleted, ThingName: "t1"} }, "map[] true"},
		{"delete missing thing", nil, func(f *fx) error { return f.r.DeleteThing(ctx, DeleteThingInput{Name: "nope"}) },
			nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newChangeFixture(t)
			if tc.setup != nil {
				tc.setup(f)
				f.got = nil
			}
			if tc.probe != nil {
				f.probe = func() string { return tc.probe(f) }
			}
			f.must(tc.op(f))
			if tc.want == nil {
				if len(f.got) != 0 {
					t.Fatalf("reported %+v for a request that changed nothing", f.got)
				}
				return
			}
			if want := tc.want(f); len(f.got) != 1 || f.got[0] != want {
				t.Fatalf("reported %+v, want [%+v]", f.got, want)
			}
			if f.seen[0] != tc.seen {
				t.Errorf("inside the hook the registry showed %q, want %q (the committed state)", f.seen[0], tc.seen)
			}
		})
	}
}

func TestRegistry_OnChange_NotOnFailure(t *testing.T) {
	ctx := context.Background()
	type fx = changeFixture
	tests := []struct {
		name  string
		setup func(*fx)
		op    func(*fx) error
		code  iot.Code
	}{
		{"attach missing policy", nil, func(f *fx) error {
			return f.r.AttachPolicy(ctx, PolicyTargetInput{"nope", f.arn})
		}, iot.ResourceNotFoundException},
		{"detach principal policy not attached", nil, func(f *fx) error {
			return f.r.DetachPrincipalPolicy(ctx, PolicyTargetInput{"p", f.arn})
		}, iot.ResourceNotFoundException},
		{"delete attached policy", func(f *fx) {
			f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p", f.arn}))
		}, func(f *fx) error { return f.r.DeletePolicy(ctx, "p") }, iot.DeleteConflictException},
		{"reactivate revoked", func(f *fx) {
			f.must(f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusRevoked}))
		}, func(f *fx) error {
			return f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusActive})
		}, iot.CertificateStateException},
		{"delete active certificate", nil, func(f *fx) error {
			return f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: f.id})
		}, iot.CertificateStateException},
		{"detach thing not attached", nil, func(f *fx) error {
			return f.r.DetachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn})
		}, iot.ResourceNotFoundException},
		{"update thing at another version", nil, func(f *fx) error {
			v := int64(7)
			return f.r.UpdateThing(ctx, UpdateThingInput{Name: "t1", ExpectedVersion: &v})
		}, iot.VersionConflictException},
		{"delete thing with principal", func(f *fx) {
			f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: f.arn}))
		}, func(f *fx) error { return f.r.DeleteThing(ctx, DeleteThingInput{Name: "t1"}) }, iot.InvalidRequestException},
		{"set missing default version", nil, func(f *fx) error {
			return f.r.SetDefaultPolicyVersion(ctx, PolicyVersionInput{PolicyName: "p", VersionID: "9"})
		}, iot.ResourceNotFoundException},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newChangeFixture(t)
			if tc.setup != nil {
				tc.setup(f)
				f.got = nil
			}
			wantCode(t, tc.op(f), tc.code)
			if len(f.got) != 0 {
				t.Fatalf("a failed request reported %+v", f.got)
			}
		})
	}
}

// TestRegistry_OnChange_ForceDelete: deleting a certificate with
// ForceDelete reports the deletion once, not each detached policy.
func TestRegistry_OnChange_ForceDelete(t *testing.T) {
	ctx := context.Background()
	f := newChangeFixture(t)
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{"p", f.arn}))
	f.must(f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: f.id, NewStatus: StatusInactive}))
	f.must(f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: f.id, ForceDelete: true}))
	var kinds []ChangeKind
	for _, c := range f.got {
		kinds = append(kinds, c.Kind)
	}
	want := []ChangeKind{ChangePolicyAttached, ChangeCertificateStatus, ChangeCertificateDeleted}
	if !slices.Equal(kinds, want) {
		t.Fatalf("reported %v, want %v", kinds, want)
	}
}
