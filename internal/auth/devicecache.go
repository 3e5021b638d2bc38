package auth

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
)

// Timing of refreshes.
const (
	// refreshTimeout bounds one refresh of a principal's state.
	refreshTimeout = 5 * time.Second
	// retryInterval is how long a principal whose refresh failed denies
	// everything before a Device's Authorize tries to refresh it again.
	retryInterval = time.Second
)

// principal is the cache entry of one certificate principal, shared by all
// its live Devices. Devices read state without locking; loads replace it.
//
// Locking: mu serializes loads of this entry, so that the load that stores
// last also read the registry last. It is never held while Devices.mu is.
type principal struct {
	arn, certID string
	state       atomic.Pointer[principalState] // nil until the first load
	mu          sync.Mutex
	retrying    atomic.Bool // a Device is retrying a failed load
}

// principalState is what the registry said about a principal at one load.
// It is immutable once stored.
type principalState struct {
	found    bool   // the certificate is registered
	status   string // its status
	docs     []*policy.Document
	policies []PolicyDocument // parallel to docs
	things   map[string]DeviceThing
	certVars bool      // a policy names iot:Certificate.* (see usesCertificateVars)
	failed   bool      // the load failed: deny everything
	retryAt  time.Time // when failed, the earliest retry
}

// active reports whether the state lets its Devices do anything.
func (s *principalState) active() bool { return s.found && !s.failed && s.status == CertificateActive }

// hasPolicy reports whether the state holds the policy called name.
func (s *principalState) hasPolicy(name string) bool {
	return slices.ContainsFunc(s.policies, func(p PolicyDocument) bool { return p.Name == name })
}

// entry returns the live cache entry for arn, making one if there is none.
// Entries are held weakly: once no Device refers to one, the garbage
// collector frees it and forget drops its map slot.
func (ds *Devices) entry(arn, certID string) *principal {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if p := ds.entries[arn].Value(); p != nil {
		return p
	}
	p := &principal{arn: arn, certID: certID}
	ds.entries[arn] = weak.Make(p)
	runtime.AddCleanup(p, ds.forget, arn)
	return p
}

// forget drops arn's map slot if its entry has been freed (a newer entry
// may have taken the slot since).
func (ds *Devices) forget(arn string) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if w, ok := ds.entries[arn]; ok && w.Value() == nil {
		delete(ds.entries, arn)
	}
}

// live returns the entries that have Devices and satisfy keep.
func (ds *Devices) live(keep func(*principal) bool) []*principal {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	var out []*principal
	for _, w := range ds.entries {
		if p := w.Value(); p != nil && keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// Invalidate refreshes the cached state of the principal (a certificate
// ARN) from the registry, if it has live Devices: its status, policies and
// attached things. Their next Authorize sees the new state. If the
// certificate has left ACTIVE, the OnDeactivated callbacks run.
func (ds *Devices) Invalidate(principalARN string) {
	ds.refresh(ds.live(func(p *principal) bool { return p.arn == principalARN }))
}

// InvalidatePolicy refreshes every live principal that has the policy
// called name attached (its default version changed, or it was deleted).
func (ds *Devices) InvalidatePolicy(name string) {
	ds.refresh(ds.live(func(p *principal) bool {
		st := p.state.Load()
		return st == nil || st.failed || st.hasPolicy(name)
	}))
}

// InvalidateThing refreshes every live principal that has the thing called
// name attached (its type or attributes changed, or it was deleted).
func (ds *Devices) InvalidateThing(name string) {
	ds.refresh(ds.live(func(p *principal) bool {
		st := p.state.Load()
		if st == nil || st.failed {
			return true
		}
		_, ok := st.things[name]
		return ok
	}))
}

// InvalidateAll refreshes every live principal.
func (ds *Devices) InvalidateAll() {
	ds.refresh(ds.live(func(*principal) bool { return true }))
}

// refresh loads each of ps, one after the other, before returning.
func (ds *Devices) refresh(ps []*principal) {
	for _, p := range ps {
		ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
		_, _ = ds.load(ctx, p)
		cancel()
	}
}

// load reads p's state from the registry and stores it. When reading
// fails it stores a failed state, which denies everything until a later
// load succeeds, and returns the error. It calls the OnDeactivated
// callbacks when p was active and no longer is.
func (ds *Devices) load(ctx context.Context, p *principal) (*principalState, error) {
	p.mu.Lock()
	old := p.state.Load()
	st, err := ds.read(ctx, p)
	if err != nil {
		ds.log.Error("reading a device's policies failed; denying its requests until a refresh succeeds",
			"principal", p.arn, "err", err)
		st = &principalState{failed: true, retryAt: ds.now().Add(retryInterval)}
	}
	p.state.Store(st)
	p.mu.Unlock()
	if old != nil && old.active() && err == nil && !st.active() {
		ds.deactivated(p.arn)
	}
	return st, err
}

// read asks the registry for p's certificate, policies and things.
func (ds *Devices) read(ctx context.Context, p *principal) (*principalState, error) {
	cert, err := ds.reg.CertificateByID(ctx, p.certID)
	if iot.IsCode(err, iot.ResourceNotFoundException) {
		return &principalState{}, nil
	}
	if err != nil {
		return nil, err
	}
	st := &principalState{found: true, status: cert.Status}
	if st.policies, err = ds.reg.PolicyDocumentsForPrincipal(ctx, p.arn); err != nil {
		return nil, err
	}
	st.docs = ds.compileAll(st.policies)
	st.certVars = usesCertificateVars(st.policies)
	if st.things, err = ds.attachedThings(ctx, p.arn); err != nil {
		return nil, err
	}
	return st, nil
}

// attachedThings reads the things attached to principalARN, by name. A
// thing deleted between the two reads is skipped.
func (ds *Devices) attachedThings(ctx context.Context, principalARN string) (map[string]DeviceThing, error) {
	names, err := ds.reg.ThingsForPrincipal(ctx, principalARN)
	if err != nil {
		return nil, err
	}
	out := make(map[string]DeviceThing, len(names))
	for _, n := range names {
		th, err := ds.reg.DescribeThing(ctx, n)
		if iot.IsCode(err, iot.ResourceNotFoundException) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[n] = th
	}
	return out, nil
}
