package broker

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/pki"
)

// Interop tests: real, independent MQTT clients (paho.golang for MQTT 5,
// paho.mqtt.golang for 3.1.1) over TLS with client certificates minted
// by hob's CA, against a broker serving a TLS listener on 127.0.0.1:0.
// The authorizer is the test double: the real one is tested in
// internal/auth.

// tlsEnv is a broker behind a TLS listener with its CA.
type tlsEnv struct {
	s    *Server
	auth *fakeAuth
	ca   *pki.Authority
	addr string

	certOnce sync.Once
	cert     tls.Certificate // the device certificate every client presents
	certErr  error
}

// startTLS starts a broker on a TLS listener that asks for client
// certificates (verified against hob's CA when given), as app does.
func startTLS(t *testing.T, auth *fakeAuth, edit func(*Config)) *tlsEnv {
	t.Helper()
	ca, err := pki.LoadOrCreate(pki.Config{Dir: t.TempDir(), Hosts: []string{"127.0.0.1", "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ca.Close() })
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{ca.ServerTLSCertificate()},
		ClientCAs:    ca.CAPool(),
		ClientAuth:   tls.VerifyClientCertIfGiven,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		t.Fatal(err)
	}
	if auth == nil {
		auth = newFakeAuth()
	}
	s := newServer(t, auth, edit)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, TransportTLS) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &tlsEnv{s: s, auth: auth, ca: ca, addr: ln.Addr().String()}
}

// clientTLS returns a client TLS configuration with a device certificate
// hob's CA issued, or none when withCert is false. The clients of an env
// share one certificate: minting an RSA key per client would dominate
// the tests' run time, and the fake authorizer tells clients apart by
// client id.
func (e *tlsEnv) clientTLS(t *testing.T, withCert bool) *tls.Config {
	t.Helper()
	cfg := &tls.Config{RootCAs: e.ca.CAPool(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if withCert {
		e.certOnce.Do(func() {
			creds, err := e.ca.IssueKeysAndCertificate()
			if err != nil {
				e.certErr = err
				return
			}
			e.cert, e.certErr = tls.X509KeyPair([]byte(creds.CertificatePEM), []byte(creds.PrivateKeyPEM))
		})
		if e.certErr != nil {
			t.Fatal(e.certErr)
		}
		cfg.Certificates = []tls.Certificate{e.cert}
	}
	return cfg
}

// dialTLS opens a TLS connection to the broker.
func (e *tlsEnv) dialTLS(t *testing.T, withCert bool) net.Conn {
	t.Helper()
	d := &tls.Dialer{Config: e.clientTLS(t, withCert)}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	nc, err := d.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	return nc
}

// certificatesSeen reports whether every Authenticate call of the test
// carried a client certificate.
func (e *tlsEnv) certificatesSeen(t *testing.T) {
	t.Helper()
	e.auth.mu.Lock()
	defer e.auth.mu.Unlock()
	if len(e.auth.infos) == 0 {
		t.Error("Authenticate was never called")
	}
	for _, info := range e.auth.infos {
		if len(info.Certificates) == 0 || info.Transport != TransportTLS {
			t.Errorf("client %s authenticated without its certificate", info.ClientID)
		}
	}
}

// waitFor receives from ch or fails after ioTimeout.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(ioTimeout):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// expectNothing checks that nothing arrives on ch for d.
func expectNothing[T any](t *testing.T, ch <-chan T, d time.Duration, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Errorf("%s: got %v, want nothing", what, v)
	case <-time.After(d):
	}
}

// qos2Modes are the two broker configurations every interop scenario runs
// under: QoS 2 off, as on AWS and by default, and on (Config.QoS2).
var qos2Modes = []struct {
	name string
	on   bool
}{{"qos2=off", false}, {"qos2=on", true}}

// topQoS is the highest QoS the broker grants in a mode.
func topQoS(qos2 bool) byte {
	if qos2 {
		return 2
	}
	return 1
}

// withQoS2 returns a Config edit that sets QoS2 to on, then applies the
// others.
func withQoS2(on bool, more ...func(*Config)) func(*Config) {
	return func(c *Config) {
		c.QoS2 = on
		for _, f := range more {
			f(c)
		}
	}
}

// waitOffline waits until the session of client id exists and has no
// connection, so that what is published next is queued in it rather than
// sent to the connection that is going away.
func (e *tlsEnv) waitOffline(t *testing.T, id string) {
	t.Helper()
	eventually(t, id+" offline", func() bool {
		e.s.mu.Lock()
		ss := e.s.sessions[id]
		e.s.mu.Unlock()
		return ss != nil && !ss.online.Load()
	})
}
