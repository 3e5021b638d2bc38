package auth

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
)

// DefaultDevPolicy is the policy of DevDevice when none is given: allow
// everything.
const DefaultDevPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`

// devPrincipal is the principal id of every DevDevice.
const devPrincipal = "dev"

// Device is one connected client: its principal's policies, read from a
// cache that Devices keeps current, and its connection's policy variables.
// It is safe for concurrent use. Authorize takes no lock and, once a state
// has been seen, does not allocate.
type Device struct {
	p    *principal
	ds   *Devices // nil for DevDevice
	conn *connFacts
	view atomic.Pointer[deviceView]
}

// deviceView is what Authorize evaluates with: a principal state and the
// variables and condition keys of this connection under it. A new state
// gets a new view.
type deviceView struct {
	st   *principalState
	vars func(name string) (string, bool)
	ctx  map[string][]string
}

func newDevice(p *principal, ds *Devices, conn *connFacts) *Device {
	return &Device{p: p, ds: ds, conn: conn}
}

// DevDevice returns a Device for a client of hob's --dev plain-MQTT
// listener, which has no certificate: its one policy is doc, or
// DefaultDevPolicy when doc is nil, and its ID is "dev". The variables
// that do not need a certificate or a thing resolve from req as on a TLS
// connection (iot:ClientId, aws:SourceIp, iot:ConnectAttributes,
// iot:LastWillTopic in account's ARN); iot:Connection.Thing.IsAttached is
// "false".
// defaultDevPolicy is DefaultDevPolicy, parsed once.
var defaultDevPolicy = sync.OnceValue(func() *policy.Document { return policy.MustParse(DefaultDevPolicy) })

func DevDevice(doc *policy.Document, req ConnRequest, account iot.Account) *Device {
	if doc == nil {
		doc = defaultDevPolicy()
	}
	p := &principal{arn: devPrincipal}
	p.state.Store(&principalState{found: true, status: CertificateActive, docs: []*policy.Document{doc},
		policies: []PolicyDocument{{Name: devPrincipal}}})
	return newDevice(p, nil, newConnFacts(req, nil, account))
}

// ID is the principal: the certificate ARN ("dev" for DevDevice). All
// clients of one certificate share it.
func (d *Device) ID() string { return d.p.arn }

// CertificateID is the certificate's id ("" for DevDevice).
func (d *Device) CertificateID() string { return d.p.certID }

// ClientID is the MQTT client id the device connected with.
func (d *Device) ClientID() string { return d.conn.clientID }

// Authorize decides whether the device may perform action ("iot:Publish",
// ...) on resource (a full ARN), with the default versions of the policies
// attached to its certificate (spec §2.6) and this connection's variables
// (spec §2.4). A certificate that is no longer ACTIVE, or whose policies
// could not be read, is denied everything. The Decision's Policy indexes
// the policies as PolicyNames lists them at that moment.
func (d *Device) Authorize(action, resource string) policy.Decision {
	st := d.p.state.Load()
	if st.failed {
		st = d.retry(st)
	}
	if !st.active() {
		return policy.Decision{Reason: policy.ImplicitDeny, Policy: -1, Statement: -1}
	}
	v := d.view.Load()
	if v == nil || v.st != st {
		v = d.newView(st)
		d.view.Store(v)
	}
	return policy.Evaluate(st.docs, policy.Request{Action: action, Resource: resource, Vars: v.vars, Context: v.ctx})
}

// PolicyNames lists the names of the policies Authorize evaluates now.
func (d *Device) PolicyNames() []string {
	st := d.p.state.Load()
	names := make([]string, len(st.policies))
	for i, p := range st.policies {
		names[i] = p.Name
	}
	return names
}

// newView builds the variables of this connection under st: the thing
// variables come from the thing named like the client id, when it is
// attached to the certificate. The connection's own variables and
// condition keys are shared, not copied: a view adds only the thing's,
// which conditions find through Vars (policy.Request), and the
// certificate's when a policy names them.
func (d *Device) newView(st *principalState) *deviceView {
	th, attached := st.things[d.conn.clientID]
	own := detachedVars
	if attached && d.conn.clientID != "" {
		own = make(map[string]string, 3+len(th.Attributes))
		thingVars(own, nil, th, true)
	}
	conn, ctx := d.conn.vars, d.conn.ctx
	var cert map[string]string
	if st.certVars {
		var certCtx map[string][]string
		cert, certCtx = d.conn.certificateFacts()
		if len(certCtx) > 0 {
			ctx = maps.Clone(ctx)
			maps.Copy(ctx, certCtx)
		}
	}
	return &deviceView{
		st: st,
		vars: func(name string) (string, bool) {
			if v, ok := own[name]; ok {
				return v, true
			}
			if v, ok := conn[name]; ok {
				return v, true
			}
			v, ok := cert[name]
			return v, ok
		},
		ctx: ctx,
	}
}

// detachedVars are the thing variables of a connection whose client id
// names no thing attached to its certificate. Never modified.
var detachedVars = map[string]string{varThingIsAttached: "false"}

// retry reloads a principal whose last load failed, at most once per
// retryInterval and by one Device at a time; the others keep denying.
func (d *Device) retry(st *principalState) *principalState {
	if d.ds == nil || d.ds.now().Before(st.retryAt) || !d.p.retrying.CompareAndSwap(false, true) {
		return st
	}
	defer d.p.retrying.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	fresh, _ := d.ds.load(ctx, d.p)
	return fresh
}
