package registry

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/testutil/certtest"
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

func TestRegistry_CreateCertificateFromCSR_Issued(t *testing.T) {
	f := newCAFixture(t)
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr := certtest.CSRPEM(t, key, "csr-device")
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
		"certificate":  certtest.SelfSignedPEM(t, "x"),
		"RSA-1024 key": certtest.CSRPEM(t, weak, "csr-device"),
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

func TestRegistry_RegisterCertificate_VerifiesCA(t *testing.T) {
	f := newCAFixture(t)
	ctx := context.Background()
	caPEM, leafPEM := certtest.CAAndLeafPEM(t)
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
	hobPEM, _, err := f.ca.SignCSR(certtest.CSRPEM(t, key, "csr-device"))
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
	caPEM, leafPEM := certtest.CAAndLeafPEM(t)
	otherCA, _ := certtest.CAAndLeafPEM(t)
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
