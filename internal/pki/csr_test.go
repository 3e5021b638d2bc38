package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
)

var csrRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// makeCSR returns the PEM and DER of a CSR signed by key.
func makeCSR(t testing.TB, key crypto.Signer, subject pkix.Name) (string, []byte) {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, key)
	if err != nil {
		t.Fatalf("CreateCertificateRequest: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})), der
}

func ecKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var deviceSubject = pkix.Name{CommonName: "sensor-7", Organization: []string{"Acme"}, Country: []string{"FR"}}

func TestAuthority_SignCSR_Good(t *testing.T) {
	a := sharedAuthority(t)
	keys := map[string]crypto.Signer{
		"RSA-2048": csrRSAKey(),
		"P-256":    ecKey(t, elliptic.P256()),
		"P-384":    ecKey(t, elliptic.P384()),
	}
	for name, key := range keys {
		t.Run(name, func(t *testing.T) {
			csrPEM, der := makeCSR(t, key, deviceSubject)
			certPEM, cert, err := a.SignCSR(csrPEM)
			if err != nil {
				t.Fatalf("SignCSR: %v", err)
			}
			csr, _ := x509.ParseCertificateRequest(der)
			if !bytes.Equal(cert.RawSubject, csr.RawSubject) || cert.Subject.CommonName != "sensor-7" {
				t.Errorf("subject %q, want the CSR's %q", cert.Subject, csr.Subject)
			}
			if !publicKeysEqual(cert.PublicKey, key.Public()) {
				t.Error("certificate is not for the CSR's key")
			}
			if !cert.NotAfter.Equal(deviceNotAfter) || cert.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
				t.Errorf("NotAfter %v ExtKeyUsage %v", cert.NotAfter, cert.ExtKeyUsage)
			}
			parsed, err := ParseCertificatePEM(certPEM)
			if err != nil || !bytes.Equal(parsed.Raw, cert.Raw) {
				t.Fatalf("returned PEM does not hold the certificate: %v", err)
			}
			_, err = cert.Verify(x509.VerifyOptions{Roots: a.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

func TestAuthority_SignCSR_Bad(t *testing.T) {
	a := sharedAuthority(t)
	good, goodDER := makeCSR(t, ecKey(t, elliptic.P256()), deviceSubject)
	tampered := append([]byte(nil), goodDER...)
	tampered[len(tampered)-1] ^= 0xff
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	smallCSR, _ := makeCSR(t, small, deviceSubject)
	p224CSR, _ := makeCSR(t, ecKey(t, elliptic.P224()), deviceSubject)
	p521CSR, _ := makeCSR(t, ecKey(t, elliptic.P521()), deviceSubject)
	edCSR, _ := makeCSR(t, edKey, deviceSubject)
	block := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	tests := []struct {
		name, in string
		is       error
		want     string
	}{
		{"empty", "", ErrNotPEM, "no -----BEGIN"},
		{"not PEM", "MIIB...", ErrNotPEM, ""},
		{"certificate block", string(a.CACertPEM()), ErrNotCSR, `PEM block is "CERTIFICATE"`},
		{"garbage DER", block("CERTIFICATE REQUEST", []byte("junk")), ErrNotCSR, ""},
		{"bad signature", block("CERTIFICATE REQUEST", tampered), ErrBadSignature, ""},
		{"two CSRs", good + good, ErrExtraPEM, ""},
		{"RSA-1024", smallCSR, ErrUnsupportedKey, "RSA key of 1024 bits"},
		{"P-224", p224CSR, ErrUnsupportedKey, "P-224"},
		{"P-521", p521CSR, ErrUnsupportedKey, "P-521"},
		{"Ed25519", edCSR, ErrUnsupportedKey, "Ed25519"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := a.SignCSR(tc.in)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.want)
			}
		})
	}
	// The older block name is accepted.
	if _, err := ParseCSR(strings.ReplaceAll(good, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")); err != nil {
		t.Fatalf("NEW CERTIFICATE REQUEST: %v", err)
	}
}
