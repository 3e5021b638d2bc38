package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

func TestRegistry_RegisterCertificateWithoutCA_Registered(t *testing.T) {
	f := newCertFixture(t)
	ctx := context.Background()
	certPEM := certtest.SelfSignedPEM(t, "dev1")
	out, err := f.r.RegisterCertificateWithoutCA(ctx, RegisterCertificateInput{CertificatePEM: certPEM, Status: StatusActive})
	f.must(err)
	x, _ := parseCertPEM(certPEM)
	sum := sha256.Sum256(x.Raw)
	wantID := hex.EncodeToString(sum[:])
	if out.CertificateID != wantID || out.CertificateARN != "arn:aws:iot:us-east-1:111122223333:cert/"+wantID {
		t.Fatalf("registered %+v, want id %s", out, wantID)
	}
	c, err := f.r.DescribeCertificate(ctx, out.CertificateID)
	f.must(err)
	if c.Status != StatusActive || c.Mode != ModeSNIOnly || c.PEM != certPEM || c.OwnedBy != "111122223333" ||
		c.CACertificateID != "" || c.CustomerVersion != 1 || c.GenerationID == "" ||
		!c.Created.Equal(f.now) || !c.Modified.Equal(f.now) ||
		!c.NotBefore.Equal(x.NotBefore) || !c.NotAfter.Equal(x.NotAfter) || c.X509 == nil {
		t.Fatalf("DescribeCertificate = %+v", c)
	}
}

func TestRegistry_RegisterCertificateWithoutCA_Errors(t *testing.T) {
	f := newCertFixture(t)
	dup := certtest.SelfSignedPEM(t, "dup")
	_, err := f.r.RegisterCertificateWithoutCA(context.Background(), RegisterCertificateInput{CertificatePEM: dup})
	f.must(err)
	keyPEM := "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
	badDER := "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
	cases := []struct {
		name string
		in   RegisterCertificateInput
		code iot.Code
	}{
		{"not PEM", RegisterCertificateInput{CertificatePEM: "hello"}, "CertificateValidationException"},
		{"empty", RegisterCertificateInput{CertificatePEM: ""}, "CertificateValidationException"},
		{"a key", RegisterCertificateInput{CertificatePEM: keyPEM}, "CertificateValidationException"},
		{"bad DER", RegisterCertificateInput{CertificatePEM: badDER}, "CertificateValidationException"},
		{"bad status", RegisterCertificateInput{CertificatePEM: certtest.SelfSignedPEM(t, "x"), Status: "PENDING_TRANSFER"}, "InvalidRequestException"},
		{"duplicate", RegisterCertificateInput{CertificatePEM: dup}, "ResourceAlreadyExistsException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error {
				_, err := f.r.RegisterCertificateWithoutCA(context.Background(), tc.in)
				return err
			})
		})
	}
	_, err = f.r.RegisterCertificateWithoutCA(context.Background(), RegisterCertificateInput{CertificatePEM: dup})
	e, _ := iot.AsError(err)
	if e.Message != "The certificate is already provisioned or registered" || e.ResourceID == "" ||
		!strings.HasSuffix(e.ResourceArn, ":cert/"+e.ResourceID) {
		t.Errorf("duplicate error = %+v", e)
	}
}

func TestRegistry_RegisterCertificateWithoutCA_DefaultStatusInactive(t *testing.T) {
	f := newCertFixture(t)
	id, _ := f.mustRegister("")
	c, err := f.r.DescribeCertificate(context.Background(), id)
	f.must(err)
	if c.Status != StatusInactive {
		t.Errorf("status = %s, want INACTIVE", c.Status)
	}
}

func TestRegistry_DescribeCertificate_Errors(t *testing.T) {
	f := newCertFixture(t)
	cases := map[string]iot.Code{
		strings.Repeat("a", 64): "ResourceNotFoundException",
		"abc":                   "InvalidRequestException",
		strings.Repeat("g", 64): "InvalidRequestException",
	}
	for id, code := range cases {
		_, err := f.r.DescribeCertificate(context.Background(), id)
		wantCode(t, err, code)
	}
}

func TestRegistry_UpdateCertificate_Transitions(t *testing.T) {
	cases := []struct {
		from, to CertificateStatus
		code     iot.Code
	}{
		{StatusInactive, StatusActive, ""},
		{StatusActive, StatusInactive, ""},
		{StatusActive, StatusRevoked, ""},
		{StatusInactive, StatusRevoked, ""},
		{StatusActive, StatusActive, ""},
		{StatusRevoked, StatusRevoked, ""},
		{StatusRevoked, StatusActive, "CertificateStateException"},
		{StatusRevoked, StatusInactive, "CertificateStateException"},
		{StatusActive, StatusPendingTransfer, "InvalidRequestException"},
		{StatusActive, StatusPendingActivation, "InvalidRequestException"},
		{StatusActive, StatusRegisterInactive, "InvalidRequestException"},
		{StatusActive, "DISABLED", "InvalidRequestException"},
		{StatusActive, "", "InvalidRequestException"},
	}
	for _, tc := range cases {
		t.Run(string(tc.from)+"->"+string(tc.to), func(t *testing.T) {
			f := newCertFixture(t)
			id, _ := f.mustRegister(tc.from)
			in := UpdateCertificateInput{CertificateID: id, NewStatus: tc.to}
			if tc.code != "" {
				f.failsUnchanged(tc.code, func() error { return f.r.UpdateCertificate(context.Background(), in) })
				return
			}
			f.must(f.r.UpdateCertificate(context.Background(), in))
			c, err := f.r.DescribeCertificate(context.Background(), id)
			f.must(err)
			wantVersion := 2
			if tc.from == tc.to {
				wantVersion = 1
			}
			if c.Status != tc.to || c.CustomerVersion != wantVersion {
				t.Errorf("after update: status %s version %d, want %s %d", c.Status, c.CustomerVersion, tc.to, wantVersion)
			}
		})
	}
}

func TestRegistry_UpdateCertificate_Missing(t *testing.T) {
	f := newCertFixture(t)
	f.failsUnchanged(iot.ResourceNotFoundException, func() error {
		return f.r.UpdateCertificate(context.Background(),
			UpdateCertificateInput{CertificateID: strings.Repeat("0", 64), NewStatus: StatusActive})
	})
}

func TestRegistry_UpdateCertificate_ModifiedAndGeneration(t *testing.T) {
	f := newCertFixture(t)
	id, _ := f.mustRegister(StatusInactive)
	before, _ := f.r.DescribeCertificate(context.Background(), id)
	f.tick()
	f.must(f.r.UpdateCertificate(context.Background(), UpdateCertificateInput{CertificateID: id, NewStatus: StatusActive}))
	after, _ := f.r.DescribeCertificate(context.Background(), id)
	if !after.Modified.Equal(f.now) || !after.Created.Equal(before.Created) || after.GenerationID == before.GenerationID {
		t.Errorf("before %+v\nafter %+v", before, after)
	}
}
