package registry

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_CreateKeysAndCertificate_Issued(t *testing.T) {
	f := newCAFixture(t)
	ctx := context.Background()
	for _, active := range []bool{true, false} {
		out, err := f.r.CreateKeysAndCertificate(ctx, CreateKeysAndCertificateInput{SetAsActive: active})
		f.must(err)
		pair, err := tls.X509KeyPair([]byte(out.CertificatePEM), []byte(out.PrivateKeyPEM))
		if err != nil {
			t.Fatalf("certificate and key do not load as a TLS pair: %v", err)
		}
		sum := sha256.Sum256(pair.Certificate[0])
		if out.CertificateID != hex.EncodeToString(sum[:]) || out.CertificateARN != certTestAccount.ARN(iot.TypeCert, out.CertificateID) {
			t.Errorf("id %s arn %s", out.CertificateID, out.CertificateARN)
		}
		if key, _ := pem.Decode([]byte(out.PublicKeyPEM)); key == nil || key.Type != "PUBLIC KEY" {
			t.Errorf("public key PEM %q", out.PublicKeyPEM)
		}
		c, err := f.r.DescribeCertificate(ctx, out.CertificateID)
		f.must(err)
		want := map[bool]CertificateStatus{true: StatusActive, false: StatusInactive}[active]
		if c.Status != want || c.Mode != ModeDefault || c.PEM != out.CertificatePEM || c.CACertificateID != "" {
			t.Errorf("DescribeCertificate = %+v", c)
		}
		if err := c.X509.CheckSignatureFrom(f.ca.CACertificate()); err != nil {
			t.Errorf("not signed by hob's CA: %v", err)
		}
		f.tick()
	}
}

// newCSR returns a PEM CSR for a key of the given kind.
func newCSR(t *testing.T, key crypto.Signer) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "csr-device"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestRegistry_CreateCertificateFromCSR_Issued(t *testing.T) {
	f := newCAFixture(t)
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr := newCSR(t, key)
	first, err := f.r.CreateCertificateFromCSR(ctx, CreateCertificateFromCSRInput{CSR: csr, SetAsActive: true})
	f.must(err)
	second, err := f.r.CreateCertificateFromCSR(ctx, CreateCertificateFromCSRInput{CSR: csr})
	f.must(err)
	if first.CertificateID == second.CertificateID {
		t.Error("the same CSR twice gave the same certificate")
	}
	c, err := f.r.DescribeCertificate(ctx, first.CertificateID)
	f.must(err)
	if c.Status != StatusActive || c.Mode != ModeDefault || c.PEM != first.CertificatePEM ||
		!key.PublicKey.Equal(c.X509.PublicKey) || c.X509.Subject.CommonName != "csr-device" {
		t.Errorf("certificate from CSR = %+v", c)
	}
	c2, _ := f.r.DescribeCertificate(ctx, second.CertificateID)
	if c2.Status != StatusInactive {
		t.Errorf("second status %s", c2.Status)
	}
}

func TestRegistry_CreateCertificateFromCSR_Refused(t *testing.T) {
	f := newCAFixture(t)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	cases := map[string]string{
		"garbage":      "not a CSR",
		"certificate":  selfSigned(t, "x"),
		"RSA-1024 key": newCSR(t, weak),
		"empty":        "",
	}
	for name, csr := range cases {
		t.Run(name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(iot.InvalidRequestException, func() error {
				_, err := f.r.CreateCertificateFromCSR(context.Background(), CreateCertificateFromCSRInput{CSR: csr})
				return err
			})
		})
	}
}

// testCA makes a CA certificate and a leaf it signed, both in PEM.
func testCA(t *testing.T) (caPEM, leafPEM string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return enc(caDER), enc(leafDER)
}

func TestRegistry_RegisterCertificate_VerifiesCA(t *testing.T) {
	f := newCAFixture(t)
	ctx := context.Background()
	caPEM, leafPEM := testCA(t)
	out, err := f.r.RegisterCertificate(ctx, RegisterCertificateInput{CertificatePEM: leafPEM, CACertificatePEM: caPEM, SetAsActive: true})
	f.must(err)
	ca, _ := parseCertPEM(caPEM)
	sum := sha256.Sum256(ca.Raw)
	c, err := f.r.DescribeCertificate(ctx, out.CertificateID)
	f.must(err)
	if c.Status != StatusActive || c.Mode != ModeDefault || c.CACertificateID != hex.EncodeToString(sum[:]) {
		t.Errorf("registered %+v", c)
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	hobPEM, _, err := f.ca.SignCSR(newCSR(t, key))
	f.must(err)
	out, err = f.r.RegisterCertificate(ctx, RegisterCertificateInput{CertificatePEM: hobPEM, Status: StatusRevoked})
	f.must(err)
	c, _ = f.r.DescribeCertificate(ctx, out.CertificateID)
	hobSum := sha256.Sum256(f.ca.CACertificate().Raw)
	if c.Status != StatusRevoked || c.CACertificateID != hex.EncodeToString(hobSum[:]) {
		t.Errorf("registered hob-signed %+v", c)
	}
}

func TestRegistry_RegisterCertificate_Errors(t *testing.T) {
	f := newCAFixture(t)
	caPEM, leafPEM := testCA(t)
	otherCA, _ := testCA(t)
	cases := []struct {
		name string
		in   RegisterCertificateInput
		code iot.Code
	}{
		{"wrong CA", RegisterCertificateInput{CertificatePEM: leafPEM, CACertificatePEM: otherCA}, iot.CertificateValidationException},
		{"not hob's CA", RegisterCertificateInput{CertificatePEM: leafPEM}, iot.CertificateValidationException},
		{"bad CA PEM", RegisterCertificateInput{CertificatePEM: leafPEM, CACertificatePEM: "x"}, iot.CertificateValidationException},
		{"bad PEM", RegisterCertificateInput{CertificatePEM: "x", CACertificatePEM: caPEM}, iot.CertificateValidationException},
		{"bad status", RegisterCertificateInput{CertificatePEM: leafPEM, CACertificatePEM: caPEM, Status: "ON"}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error {
				_, err := f.r.RegisterCertificate(context.Background(), tc.in)
				return err
			})
		})
	}
}
