package pki

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Config says where an Authority keeps its files and what its server
// certificate must cover.
type Config struct {
	// Dir is the data folder; it is created 0700 when missing.
	Dir string
	// Hosts are the DNS names and IP addresses the server certificate
	// must cover; empty means DefaultHosts().
	Hosts []string
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
	// Logger, when set, hears what LoadOrCreate created or reissued.
	Logger *slog.Logger
	// KeyPoolSize, when positive, keeps that many RSA keys generated in
	// the background for IssueKeysAndCertificate; Close stops the work.
	KeyPoolSize int
}

// Outcome tells what LoadOrCreate had to do.
type Outcome struct {
	CreatedCA    bool   // a new root CA was made: devices must trust ca.pem
	IssuedServer bool   // a new server certificate was made
	Reason       string // why the server certificate was (re)issued
}

// Authority is hob's CA with its server certificate. It is immutable after
// LoadOrCreate and safe for concurrent use; Close stops its key pool.
type Authority struct {
	dir     string
	ca      caFiles
	server  tls.Certificate
	pool    *x509.CertPool
	now     func() time.Time
	keys    *KeyPool
	outcome Outcome
	closed  atomic.Bool
}

// LoadOrCreate opens the CA in cfg.Dir, creating the CA and a server
// certificate on first start. On later starts it reuses both, and issues a
// new server certificate signed by the same CA when the old one is missing
// or unreadable, was signed by another CA, expires within 30 days, or does
// not cover every host in cfg.Hosts. Outcome and cfg.Logger report which.
func LoadOrCreate(cfg Config) (*Authority, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Dir == "" {
		return nil, fmt.Errorf("pki: Config.Dir is empty")
	}
	if len(cfg.Hosts) == 0 {
		cfg.Hosts = DefaultHosts()
	}
	hosts, err := normalizeHosts(cfg.Hosts)
	if err != nil {
		return nil, err
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("pki: no host names for the server certificate")
	}
	if err := os.MkdirAll(cfg.Dir, dirMode); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	a := &Authority{dir: cfg.Dir, now: cfg.Now}
	if err := a.open(hosts, log); err != nil {
		return nil, err
	}
	a.pool = x509.NewCertPool()
	a.pool.AddCert(a.ca.cert)
	if cfg.KeyPoolSize > 0 {
		a.keys = NewKeyPool(context.Background(), cfg.KeyPoolSize)
	}
	return a, nil
}

// open loads or creates the CA and the server certificate.
func (a *Authority) open(hosts []string, log *slog.Logger) error {
	now := a.now()
	ca, created, err := loadOrCreateCA(a.dir, now)
	if err != nil {
		return err
	}
	a.ca = ca
	a.outcome.CreatedCA = created
	reason := "the CA is new"
	if created {
		log.Info("pki: created a new root CA; devices must trust it", "path", a.CACertPath())
	} else {
		a.server, reason = loadServer(a.dir, ca, hosts, now)
	}
	if reason == "" {
		return nil
	}
	if a.server, err = issueServer(a.dir, ca, hosts, now); err != nil {
		return err
	}
	a.outcome.IssuedServer, a.outcome.Reason = true, reason
	log.Info("pki: issued a new server certificate", "reason", reason, "hosts", hosts,
		"path", filepath.Join(a.dir, serverCertFile))
	return nil
}

// Outcome reports what LoadOrCreate created or reissued.
func (a *Authority) Outcome() Outcome { return a.outcome }

// Dir is the data folder.
func (a *Authority) Dir() string { return a.dir }

// CACertPath is the path of ca.pem, what clients use as AWS_CA_BUNDLE.
func (a *Authority) CACertPath() string { return filepath.Join(a.dir, caCertFile) }

// CACertPEM returns the CA certificate in PEM form; the caller owns the
// slice.
func (a *Authority) CACertPEM() []byte { return append([]byte(nil), a.ca.certPEM...) }

// CACertificate returns the parsed CA certificate; callers must not
// modify it.
func (a *Authority) CACertificate() *x509.Certificate { return a.ca.cert }

// ServerTLSCertificate is the server certificate and key, with Leaf set,
// for tls.Config.Certificates.
func (a *Authority) ServerTLSCertificate() tls.Certificate { return a.server }

// CAPool returns a new pool holding the CA certificate, for
// tls.Config.ClientCAs (devices) and RootCAs (clients of hob).
func (a *Authority) CAPool() *x509.CertPool { return a.pool.Clone() }

// Close stops the background key pool, if any, and waits for it. It is
// idempotent; the Authority keeps issuing certificates afterwards,
// generating each key when asked.
func (a *Authority) Close() error {
	if !a.closed.CompareAndSwap(false, true) || a.keys == nil {
		return nil
	}
	return a.keys.Close()
}
