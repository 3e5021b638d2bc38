package auth

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"
	"weak"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/policy"
)

// CertificateActive is the one certificate status that lets a device
// connect (spec §5.1).
const CertificateActive = "ACTIVE"

// DeviceRegistry is what Devices reads from the registry. app adapts
// *registry.Registry to it. A missing certificate, policy or thing is an
// *iot.Error with code iot.ResourceNotFoundException; any other error is a
// failure to read.
type DeviceRegistry interface {
	// CertificateByID returns a registered certificate by its id.
	CertificateByID(ctx context.Context, id string) (DeviceCertificate, error)
	// PolicyDocumentsForPrincipal returns the default versions of the
	// policies attached to a certificate ARN (none for an unknown one).
	PolicyDocumentsForPrincipal(ctx context.Context, principalARN string) ([]PolicyDocument, error)
	// PolicyDocument returns a policy's default version by its name.
	PolicyDocument(ctx context.Context, name string) (PolicyDocument, error)
	// ThingsForPrincipal returns the names of the things attached to a
	// certificate ARN.
	ThingsForPrincipal(ctx context.Context, principalARN string) ([]string, error)
	// DescribeThing returns a thing by its name.
	DescribeThing(ctx context.Context, name string) (DeviceThing, error)
}

// DeviceCertificate is a registered certificate as Devices needs it.
type DeviceCertificate struct {
	ID     string
	ARN    string
	Status string // ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, ...
	X509   *x509.Certificate
}

// PolicyDocument is a policy's default version.
type PolicyDocument struct {
	Name     string
	ARN      string
	Document string
}

// DeviceThing is a thing as its policy variables show it (spec §2.4).
type DeviceThing struct {
	Name       string
	TypeName   string // "" when the thing has no type
	Attributes map[string]string
}

// DevicesOptions configure Devices. Zero values get defaults.
type DevicesOptions struct {
	Log *slog.Logger     // nil discards
	Now func() time.Time // clock for certificate validity; time.Now by default
}

// Devices authenticates MQTT clients by their certificates and gives each
// a Device that answers what it may do. It keeps one cache entry per
// certificate principal that has live Devices; see the package
// documentation for how changes reach them. It is safe for concurrent use.
type Devices struct {
	reg     DeviceRegistry
	account iot.Account
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex                         // guards entries and onDeact
	entries map[string]weak.Pointer[principal] // by principal ARN
	onDeact []func(principalARN string)

	docs docCache
}

// NewDevices returns Devices that read the registry through reg and name
// certificates, topics and clients in account's ARNs.
func NewDevices(reg DeviceRegistry, account iot.Account, o DevicesOptions) *Devices {
	ds := &Devices{reg: reg, account: account, log: o.Log, now: o.Now,
		entries: map[string]weak.Pointer[principal]{}}
	if ds.log == nil {
		ds.log = slog.New(slog.DiscardHandler)
	}
	if ds.now == nil {
		ds.now = time.Now
	}
	ds.docs.m = map[string]*policy.Document{}
	return ds
}

// ConnRequest is what the broker knows about a client at CONNECT.
type ConnRequest struct {
	ClientID string
	// Certificates are the client's TLS certificates, leaf first. The TLS
	// handshake has proven that the client holds the leaf's key.
	Certificates []*x509.Certificate
	Transport    string // for logs, e.g. "mqtt-tls"
	// CleanStart false asks for a persistent session; HasWill and
	// WillTopic describe the Last Will. Policies see them as
	// iot:ConnectAttributes and iot:LastWillTopic (spec §2.5).
	CleanStart bool
	HasWill    bool
	WillTopic  string
	SourceIP   netip.Addr // the client's address; zero when unknown
}

// Authenticate identifies a client by its leaf certificate: its
// certificateId (SHA-256 of the DER, spec §3.2) must be registered, ACTIVE
// and within its validity period (spec §5.1). It reads the registry afresh,
// and returns a *ConnectError (errors.Is one of ErrNoCertificate,
// ErrUnknownCertificate, ErrCertificateNotActive, ErrCertificateExpired)
// when the client must be refused, or another error when the registry could
// not be read. It does not check iot:Connect: the caller asks the Device.
func (ds *Devices) Authenticate(ctx context.Context, req ConnRequest) (*Device, error) {
	if len(req.Certificates) == 0 || req.Certificates[0] == nil {
		return nil, ds.refuse(req, &ConnectError{Err: ErrNoCertificate, ClientID: req.ClientID})
	}
	leaf := req.Certificates[0]
	id := pki.CertificateID(leaf.Raw)
	if now := ds.now(); now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return nil, ds.refuse(req, &ConnectError{Err: ErrCertificateExpired, ClientID: req.ClientID, CertificateID: id,
			Detail: fmt.Sprintf("valid from %s to %s", leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))})
	}
	p := ds.entry(ds.account.ARN(iot.TypeCert, id), id)
	st, err := ds.load(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("auth: reading certificate %s for client %q: %w", id, req.ClientID, err)
	}
	switch {
	case !st.found:
		return nil, ds.refuse(req, &ConnectError{Err: ErrUnknownCertificate, ClientID: req.ClientID, CertificateID: id})
	case st.status != CertificateActive:
		return nil, ds.refuse(req, &ConnectError{Err: ErrCertificateNotActive, ClientID: req.ClientID,
			CertificateID: id, Status: st.status})
	}
	return newDevice(p, ds, newConnFacts(req, leaf, ds.account)), nil
}

// refuse logs a refused client and returns err.
func (ds *Devices) refuse(req ConnRequest, err *ConnectError) error {
	ds.log.Info("device refused", "clientId", req.ClientID, "transport", req.Transport,
		"sourceIp", req.SourceIP, "reason", err.Error())
	return err
}

// OnDeactivated registers fn to be called with a principal's ARN when a
// refresh finds that its certificate is no longer ACTIVE (or is gone)
// while it has live Devices: the broker then disconnects its clients
// (spec §5.1). fn runs on the goroutine that refreshed, typically the
// control-plane request that changed the certificate; it must not block.
func (ds *Devices) OnDeactivated(fn func(principalARN string)) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.onDeact = append(ds.onDeact, fn)
}

// deactivated calls the OnDeactivated callbacks.
func (ds *Devices) deactivated(arn string) {
	ds.mu.Lock()
	fns := slices.Clone(ds.onDeact)
	ds.mu.Unlock()
	ds.log.Info("certificate left ACTIVE; disconnecting its clients", "principal", arn)
	for _, fn := range fns {
		fn(arn)
	}
}
