package pki

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"testing"
	"time"
)

func TestAuthority_IssueKeysAndCertificate_Shape(t *testing.T) {
	a := sharedAuthority(t)
	before := time.Now()
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	c := dc.Cert
	if c.Subject.CommonName != "AWS IoT Certificate" || c.Issuer.CommonName != "hob Root CA" {
		t.Errorf("subject %q issuer %q", c.Subject, c.Issuer)
	}
	if !c.NotAfter.Equal(time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("NotAfter = %v", c.NotAfter)
	}
	if c.NotBefore.After(before) || before.Sub(c.NotBefore) > 2*time.Minute {
		t.Errorf("NotBefore = %v, issued at %v", c.NotBefore, before)
	}
	if len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth || c.IsCA {
		t.Errorf("ExtKeyUsage %v IsCA %v", c.ExtKeyUsage, c.IsCA)
	}
	if c.SerialNumber.BitLen() <= 128 {
		t.Errorf("serial has %d bits", c.SerialNumber.BitLen())
	}
	if k, ok := c.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("key is not RSA-2048: %T", c.PublicKey)
	}
	sum := sha256.Sum256(c.Raw)
	if dc.CertificateID != hex.EncodeToString(sum[:]) || len(dc.CertificateID) != 64 {
		t.Errorf("CertificateID = %q", dc.CertificateID)
	}
	checkPEMType(t, dc.CertificatePEM, "CERTIFICATE")
	checkPEMType(t, dc.PrivateKeyPEM, "RSA PRIVATE KEY")
	pub := checkPEMType(t, dc.PublicKeyPEM, "PUBLIC KEY")
	pk, err := x509.ParsePKIXPublicKey(pub.Bytes)
	if err != nil || !publicKeysEqual(pk, c.PublicKey) {
		t.Errorf("PublicKeyPEM is not the certificate's key (%v)", err)
	}
}

func checkPEMType(t *testing.T, text, typ string) *pem.Block {
	t.Helper()
	b, rest := pem.Decode([]byte(text))
	if b == nil || b.Type != typ || len(rest) != 0 {
		t.Fatalf("want one %q PEM block, got %q", typ, text)
	}
	return b
}

func TestAuthority_IssueKeysAndCertificate_LoadsAndVerifies(t *testing.T) {
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair([]byte(dc.CertificatePEM), []byte(dc.PrivateKeyPEM))
	if err != nil {
		t.Fatalf("tls.X509KeyPair: %v", err)
	}
	_, err = pair.Leaf.Verify(x509.VerifyOptions{Roots: a.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		t.Fatalf("verify for client auth: %v", err)
	}
	_, err = pair.Leaf.Verify(x509.VerifyOptions{Roots: a.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err == nil {
		t.Fatal("device certificate verified for server auth")
	}
	other, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if other.CertificateID == dc.CertificateID || other.Cert.SerialNumber.Cmp(dc.Cert.SerialNumber) == 0 || other.PrivateKeyPEM == dc.PrivateKeyPEM {
		t.Fatal("two issues share an id, serial or key")
	}
}

func TestAuthority_IssueKeysAndCertificate_FromPool(t *testing.T) {
	a, err := LoadOrCreate(Config{Dir: t.TempDir(), Hosts: []string{"localhost"}, KeyPoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	waitFor(t, func() bool { return a.keys.Len() == 1 })
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair([]byte(dc.CertificatePEM), []byte(dc.PrivateKeyPEM)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := a.IssueKeysAndCertificate(); err != nil {
		t.Fatalf("issue after Close: %v", err)
	}
}

// waitFor polls cond for up to 30 seconds (RSA key generation on a busy
// machine can be slow).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAuthority_IssueKeysAndCertificate_Concurrent(t *testing.T) {
	a, err := LoadOrCreate(Config{Dir: t.TempDir(), Hosts: []string{"localhost"}, KeyPoolSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ids := make(chan string, 3)
	for range 3 {
		go func() {
			dc, err := a.IssueKeysAndCertificate()
			if err != nil {
				ids <- "error: " + err.Error()
				return
			}
			ids <- dc.CertificateID
		}()
	}
	seen := map[string]bool{}
	for range 3 {
		id := <-ids
		if len(id) != 64 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
