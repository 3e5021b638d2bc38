package registry

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_DeleteCertificate_Refusals(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		setup func(f *certFixture, arn string)
		force bool
		code  iot.Code
		msg   string
	}{
		{"active", func(f *certFixture, arn string) {}, false, iot.CertificateStateException,
			"Certificate must be deactivated (not ACTIVE) before deletion."},
		{"attached to a thing", func(f *certFixture, arn string) {
			f.mustThing("t1")
			f.must(f.r.AttachThingPrincipal(ctx, ThingPrincipalInput{ThingName: "t1", Principal: arn}))
		}, true, iot.DeleteConflictException, "Things must be detached before deletion (arn: "},
		{"policy attached", func(f *certFixture, arn string) {
			f.mustPolicy("p1")
			f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{PolicyName: "p1", Target: arn}))
		}, false, iot.DeleteConflictException, "Certificate policies must be detached before deletion (arn: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newCertFixture(t)
			id, arn := f.mustRegister(StatusActive)
			tc.setup(f, arn)
			if tc.code != iot.CertificateStateException {
				f.must(f.r.UpdateCertificate(ctx, UpdateCertificateInput{CertificateID: id, NewStatus: StatusInactive}))
			}
			var err error
			f.failsUnchanged(tc.code, func() error {
				err = f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: id, ForceDelete: tc.force})
				return err
			})
			if e, _ := iot.AsError(err); !strings.HasPrefix(e.Message, tc.msg) {
				t.Errorf("message %q, want prefix %q", e.Message, tc.msg)
			}
		})
	}
}

func TestRegistry_DeleteCertificate_Deleted(t *testing.T) {
	for _, status := range []CertificateStatus{StatusInactive, StatusRevoked} {
		t.Run(string(status), func(t *testing.T) {
			f := newCertFixture(t)
			ctx := context.Background()
			keep, _ := f.mustRegister(StatusActive)
			id, _ := f.mustRegister(status)
			f.must(f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: id}))
			_, err := f.r.DescribeCertificate(ctx, id)
			wantCode(t, err, iot.ResourceNotFoundException)
			page, err := f.r.ListCertificates(ctx, ListCertificatesInput{})
			f.must(err)
			if len(page.Items) != 1 || page.Items[0].ID != keep {
				t.Errorf("ListCertificates after delete = %+v", page.Items)
			}
			wantCode(t, f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: id}), iot.ResourceNotFoundException)
		})
	}
}

func TestRegistry_DeleteCertificate_ForceDetachesPolicies(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	id, arn := f.mustRegister(StatusInactive)
	_, other := f.mustRegister(StatusInactive)
	for _, p := range []string{"p1", "p2"} {
		f.mustPolicy(p)
		f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{PolicyName: p, Target: arn}))
	}
	f.must(f.r.AttachPolicy(ctx, PolicyTargetInput{PolicyName: "p1", Target: other}))
	f.must(f.r.DeleteCertificate(ctx, DeleteCertificateInput{CertificateID: id, ForceDelete: true}))
	targets, err := f.r.ListTargetsForPolicy(ctx, ListTargetsForPolicyInput{PolicyName: "p1"})
	f.must(err)
	if !slices.Equal(targets.Items, []string{other}) {
		t.Errorf("p1 targets = %v, want only %s", targets.Items, other)
	}
	docs, err := f.r.PolicyDocumentsForPrincipal(ctx, arn)
	f.must(err)
	if len(docs) != 0 {
		t.Errorf("deleted certificate still has policies %v", docs)
	}
	f.must(f.r.DeletePolicy(ctx, "p2")) // no longer attached anywhere
}

func TestRegistry_ListCertificates_OrderAndPages(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	var ids []string
	for range 5 {
		id, _ := f.mustRegister(StatusActive)
		ids = append(ids, id)
	}
	newestFirst := slices.Clone(ids)
	slices.Reverse(newestFirst)
	for _, tc := range []struct {
		asc  bool
		want []string
	}{{true, ids}, {false, newestFirst}} {
		var got []string
		marker := ""
		for pages := 0; ; pages++ {
			page, err := f.r.ListCertificates(ctx, ListCertificatesInput{PageSize: 2, Marker: marker, Ascending: tc.asc})
			f.must(err)
			if len(page.Items) > 2 || pages > 3 {
				t.Fatalf("page %d has %d items", pages, len(page.Items))
			}
			for _, c := range page.Items {
				got = append(got, c.ID)
				if c.ARN != certTestAccount.ARN(iot.TypeCert, c.ID) || c.Status != StatusActive || c.Mode != ModeSNIOnly {
					t.Errorf("summary %+v", c)
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
	all, err := f.r.ListCertificates(ctx, ListCertificatesInput{})
	f.must(err)
	if len(all.Items) != 5 || all.Next != "" {
		t.Errorf("default page: %d items, next %q", len(all.Items), all.Next)
	}
	_, err = f.r.ListCertificates(ctx, ListCertificatesInput{Marker: "!!"})
	wantCode(t, err, iot.InvalidRequestException)
}

func TestRegistry_ListCertificates_Empty(t *testing.T) {
	f := newCertFixture(t)
	page, err := f.r.ListCertificates(context.Background(), ListCertificatesInput{})
	f.must(err)
	if page.Items == nil || len(page.Items) != 0 || page.Next != "" {
		t.Errorf("empty listing = %#v", page)
	}
}
