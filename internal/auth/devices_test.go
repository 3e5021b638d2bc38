package auth_test

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/policy"
	"github.com/hob-iot/hob/internal/registry"
)

func TestDevices_Authenticate_Certificates(t *testing.T) {
	tests := []struct {
		name    string
		status  registry.CertificateStatus // "": not registered
		noCert  bool
		advance time.Duration // move the clock before connecting
		wantErr error
		inMsg   string
	}{
		{name: "active", status: registry.StatusActive},
		{name: "inactive", status: registry.StatusInactive, wantErr: auth.ErrCertificateNotActive, inMsg: "is INACTIVE"},
		{name: "revoked", status: registry.StatusRevoked, wantErr: auth.ErrCertificateNotActive, inMsg: "is REVOKED"},
		{name: "not registered", wantErr: auth.ErrUnknownCertificate, inMsg: "is not registered"},
		{name: "no certificate", status: registry.StatusActive, noCert: true, wantErr: auth.ErrNoCertificate, inMsg: "no client certificate"},
		{name: "expired", status: registry.StatusActive, advance: 48 * time.Hour, wantErr: auth.ErrCertificateExpired, inMsg: "not valid now"},
		{name: "not yet valid", status: registry.StatusActive, advance: -2 * time.Hour, wantErr: auth.ErrCertificateExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDevFixture(t)
			c := f.cert(tc.status, nil)
			f.now = f.now.Add(tc.advance)
			req := auth.ConnRequest{ClientID: "c1", Certificates: []*x509.Certificate{c.x509}}
			if tc.noCert {
				req.Certificates = nil
			}
			d, err := f.devs.Authenticate(context.Background(), req)
			if tc.wantErr == nil {
				if err != nil || d.ID() != c.arn || d.CertificateID() != c.id || d.ClientID() != "c1" {
					t.Fatalf("Authenticate = %v, %v; want a device of %s", d, err, c.arn)
				}
				return
			}
			var ce *auth.ConnectError
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.inMsg) || d != nil {
				t.Fatalf("Authenticate = %v, %v; want a *ConnectError for %v saying %q", d, err, tc.wantErr, tc.inMsg)
			}
			if na, ok := errors.AsType[interface {
				error
				NotAuthorized() bool
			}](err); !ok || !na.NotAuthorized() {
				t.Fatalf("%v does not tell the broker that the client is not authorized", err)
			}
		})
	}
}

// TestDevices_Invalidate_LiveDevice: registry changes reach a Device that
// is already connected, through the wiring app uses.
func TestDevices_Invalidate_LiveDevice(t *testing.T) {
	ctx := context.Background()
	f := newDevFixture(t)
	c := f.cert(registry.StatusActive, nil)
	f.policy(c, "own", doc(stmt("Allow", "iot:Publish", arn("topic", "things/${iot:Connection.Thing.ThingName}/${iot:Connection.Thing.Attributes[room]}"), "")))
	f.thing(deviceCert{}, "lamp1", "", map[string]string{"room": "r1"})
	var deactivated []string
	f.devs.OnDeactivated(func(p string) { deactivated = append(deactivated, p) })
	d := f.connect(c, auth.ConnRequest{ClientID: "lamp1"})
	pubAllowed := func(topic string) bool { return d.Authorize(policy.ActionPublish, arn("topic", topic)).Allowed }

	steps := []struct {
		name   string
		change func() error
		topic  string
		want   bool
	}{
		{"before attaching the thing", nil, "things/lamp1/r1", false},
		{"thing attached", func() error {
			return f.reg.AttachThingPrincipal(ctx, registry.ThingPrincipalInput{ThingName: "lamp1", Principal: c.arn})
		}, "things/lamp1/r1", true},
		{"attribute changed", func() error {
			return f.reg.UpdateThing(ctx, registry.UpdateThingInput{Name: "lamp1", Attributes: map[string]string{"room": "r2"}})
		}, "things/lamp1/r2", true},
		{"old attribute no longer", nil, "things/lamp1/r1", false},
		{"new default version", func() error {
			_, err := f.reg.CreatePolicyVersion(ctx, registry.CreatePolicyVersionInput{PolicyName: "own",
				Document: doc(stmt("Allow", "iot:Publish", arn("topic", "v2"), "")), SetAsDefault: true})
			return err
		}, "v2", true},
		{"old version no longer", nil, "things/lamp1/r2", false},
		{"policy detached", func() error {
			return f.reg.DetachPolicy(ctx, registry.PolicyTargetInput{PolicyName: "own", Target: c.arn})
		}, "v2", false},
		{"policy attached again", func() error {
			return f.reg.AttachPolicy(ctx, registry.PolicyTargetInput{PolicyName: "own", Target: c.arn})
		}, "v2", true},
		{"certificate deactivated", func() error {
			return f.reg.UpdateCertificate(ctx, registry.UpdateCertificateInput{CertificateID: c.id, NewStatus: registry.StatusInactive})
		}, "v2", false},
	}
	for _, s := range steps {
		if s.change != nil {
			f.must(s.change())
		}
		if got := pubAllowed(s.topic); got != s.want {
			t.Fatalf("%s: publish to %s allowed=%v, want %v", s.name, s.topic, got, s.want)
		}
	}
	if len(deactivated) != 1 || deactivated[0] != c.arn {
		t.Fatalf("OnDeactivated calls %v, want one for %s", deactivated, c.arn)
	}
}

// TestDevices_Invalidate_OtherPrincipals: a change to one certificate's
// policies leaves another's Devices alone, and InvalidateAll refreshes
// all.
func TestDevices_Invalidate_OtherPrincipals(t *testing.T) {
	ctx := context.Background()
	f := newDevFixture(t)
	c1, c2 := f.cert(registry.StatusActive, nil), f.cert(registry.StatusActive, nil)
	f.policy(c1, "all", doc(stmt("Allow", "iot:*", "*", "")))
	f.must(f.reg.AttachPolicy(ctx, registry.PolicyTargetInput{PolicyName: "all", Target: c2.arn}))
	d1, d2 := f.connect(c1, auth.ConnRequest{ClientID: "a"}), f.connect(c2, auth.ConnRequest{ClientID: "b"})
	f.must(f.reg.DetachPolicy(ctx, registry.PolicyTargetInput{PolicyName: "all", Target: c1.arn}))
	if d1.Authorize(policy.ActionConnect, arn("client", "a")).Allowed || !d2.Authorize(policy.ActionConnect, arn("client", "b")).Allowed {
		t.Fatal("detaching from c1 must deny c1's device and only it")
	}
	f.devs.InvalidateAll()
	if !d2.Authorize(policy.ActionConnect, arn("client", "b")).Allowed {
		t.Fatal("InvalidateAll must keep what the registry allows")
	}
}

// TestDevices_Invalidate_FailsClosed: when a refresh cannot read the
// registry, the live Device is denied everything (not left with what it
// had), Authenticate reports the failure as not a refusal, and nothing is
// reported as deactivated.
func TestDevices_Invalidate_FailsClosed(t *testing.T) {
	f := newDevFixture(t)
	c := f.cert(registry.StatusActive, nil)
	f.policy(c, "all", doc(stmt("Allow", "iot:*", "*", "")))
	d := f.connect(c, auth.ConnRequest{ClientID: "a"})
	deactivated := 0
	f.devs.OnDeactivated(func(string) { deactivated++ })
	if !d.Authorize(policy.ActionConnect, arn("client", "a")).Allowed {
		t.Fatal("allowed before the store failed")
	}
	f.must(f.st.Close())
	f.devs.Invalidate(c.arn)
	if d.Authorize(policy.ActionConnect, arn("client", "a")).Allowed {
		t.Fatal("a device whose policies cannot be read must be denied")
	}
	_, err := f.devs.Authenticate(context.Background(), auth.ConnRequest{ClientID: "b", Certificates: []*x509.Certificate{c.x509}})
	var ce *auth.ConnectError
	if err == nil || errors.As(err, &ce) {
		t.Fatalf("Authenticate with a closed store = %v; want a failure that is not a refusal", err)
	}
	if deactivated != 0 {
		t.Fatalf("a failed refresh reported %d deactivations", deactivated)
	}
}

// TestDevices_Invalidate_Concurrent runs Authorize on many goroutines while
// the policy is detached and attached again and caches are refreshed; run
// it with -race. Every answer must be one of the two states.
func TestDevices_Invalidate_Concurrent(t *testing.T) {
	ctx := context.Background()
	f := newDevFixture(t)
	c := f.cert(registry.StatusActive, nil)
	f.policy(c, "p", doc(stmt("Allow", "iot:Publish", arn("topic", "${iot:ClientId}/*"), ""),
		stmt("Deny", "iot:Publish", arn("topic", "${iot:ClientId}/admin"), "")))
	devices := []*auth.Device{f.connect(c, auth.ConnRequest{ClientID: "a"}), f.connect(c, auth.ConnRequest{ClientID: "b"})}
	var stop atomic.Bool
	var allowed, denied atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			d := devices[i%len(devices)]
			for !stop.Load() {
				switch got := d.Authorize(policy.ActionPublish, arn("topic", d.ClientID()+"/x")); got.Reason {
				case policy.Allowed:
					allowed.Add(1)
				case policy.ImplicitDeny:
					denied.Add(1)
				default:
					t.Errorf("unexpected decision %+v", got)
				}
				if d.Authorize(policy.ActionPublish, arn("topic", d.ClientID()+"/admin")).Allowed {
					t.Error("the deny statement must always win")
				}
			}
		})
	}
	in := registry.PolicyTargetInput{PolicyName: "p", Target: c.arn}
	for range 20 {
		f.must(f.reg.DetachPolicy(ctx, in))
		f.devs.InvalidateAll()
		f.must(f.reg.AttachPolicy(ctx, in))
		f.devs.Invalidate(c.arn)
	}
	stop.Store(true)
	wg.Wait()
	if allowed.Load() == 0 || denied.Load() == 0 {
		t.Errorf("allowed %d, denied %d: both states should have been seen", allowed.Load(), denied.Load())
	}
	if !devices[0].Authorize(policy.ActionPublish, arn("topic", "a/x")).Allowed {
		t.Error("after the last attach the device must be allowed again")
	}
}

// BenchmarkDevices_Authorize measures the broker's per-packet check with a
// typical fleet policy: connect as the attached thing, publish, receive
// and subscribe under its own topics, never to its admin topic.
func BenchmarkDevices_Authorize(b *testing.B) {
	f := newDevFixture(b)
	c := f.cert(registry.StatusActive, nil)
	own := "things/${iot:Connection.Thing.ThingName}/"
	f.policy(c, "fleet", doc(
		stmt("Allow", "iot:Connect", arn("client", "${iot:Connection.Thing.ThingName}"),
			`{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`),
		stmt("Allow", "iot:Publish", arn("topic", own+"*"), ""),
		stmt("Allow", "iot:Receive", arn("topic", own+"*"), ""),
		stmt("Allow", "iot:Subscribe", arn("topicfilter", own+"*"), ""),
		stmt("Deny", "iot:Publish", arn("topic", own+"admin/*"), "")))
	f.thing(c, "lamp1", "bulb", map[string]string{"room": "r7"})
	d := f.connect(c, auth.ConnRequest{ClientID: "lamp1"})
	for _, bc := range []struct {
		name, action, resource string
		want                   bool
	}{
		{"publish", policy.ActionPublish, arn("topic", "things/lamp1/state"), true},
		{"publish denied", policy.ActionPublish, arn("topic", "things/lamp1/admin/reset"), false},
		{"subscribe", policy.ActionSubscribe, arn("topicfilter", "things/lamp1/#"), true},
		{"connect", policy.ActionConnect, arn("client", "lamp1"), true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d.Authorize(bc.action, bc.resource).Allowed != bc.want {
					b.Fatal("wrong decision")
				}
			}
		})
	}
}
