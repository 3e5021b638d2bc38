package pki

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"time"

	"github.com/hob-iot/hob/internal/atomicfile"
)

// Server certificate lifetime and the remaining time under which
// LoadOrCreate renews it. 397 days is the most that public TLS clients
// accept for a server certificate.
const (
	serverValidity = 397 * 24 * time.Hour
	renewBefore    = 30 * 24 * time.Hour
)

// loadServer loads server.pem and server.key and returns why they must be
// reissued, or "" when they can be used as they are.
func loadServer(dir string, ca caFiles, hosts []string, now time.Time) (tls.Certificate, string) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, serverCertFile), filepath.Join(dir, serverKeyFile))
	if err != nil {
		return cert, fmt.Sprintf("cannot load it (%v)", err)
	}
	leaf := cert.Leaf
	switch {
	case leaf == nil:
		return cert, "it has no leaf certificate"
	case leaf.CheckSignatureFrom(ca.cert) != nil:
		return cert, "it was not signed by the CA in " + caCertFile
	case now.Add(renewBefore).After(leaf.NotAfter):
		return cert, "it expires " + leaf.NotAfter.UTC().Format(time.RFC3339)
	}
	if h := uncovered(leaf, hosts); h != "" {
		return cert, fmt.Sprintf("it does not cover host %q", h)
	}
	return cert, ""
}

// issueServer makes a server certificate for hosts, signed by ca, and
// writes server.key, then server.pem.
func issueServer(dir string, ca caFiles, hosts []string, now time.Time) (tls.Certificate, error) {
	key, err := generateKey()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: serial: %w", err)
	}
	ski, err := subjectKeyID(key.Public())
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: subject key id: %w", err)
	}
	dns, ips := splitHosts(hosts)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"hob"}},
		NotBefore:             now.Add(-caBackdate).UTC().Truncate(time.Second),
		NotAfter:              now.Add(serverValidity).UTC().Truncate(time.Second),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              dns,
		IPAddresses:           ips,
		SubjectKeyId:          ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server certificate: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := encodeRSAKey(key)
	if err := atomicfile.Write(filepath.Join(dir, serverKeyFile), keyPEM, keyMode); err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, serverCertFile), certPEM, certMode); err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server certificate: %w", err)
	}
	return cert, nil
}
