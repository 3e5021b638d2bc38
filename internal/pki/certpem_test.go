package pki

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCertificatePEM_Inputs(t *testing.T) {
	a := sharedAuthority(t)
	ca := string(a.CACertPEM())
	tests := []struct {
		name, in string
		is       error
	}{
		{"good", ca, nil},
		{"text around", "subject=hob\n" + ca + "\n\n", nil},
		{"empty", "", ErrNotPEM},
		{"no block", "-----BEGIN CERTIFICATE-----\nnot closed", ErrNotPEM},
		{"two certificates", ca + ca, ErrExtraPEM},
		{"key after it", ca + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ErrExtraPEM},
		{"key block", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ErrNotCertificate},
		{"garbage DER", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ErrNotCertificate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCertificatePEM(tc.in)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if err == nil && !c.Equal(a.CACertificate()) {
				t.Fatal("parsed another certificate")
			}
		})
	}
}

func TestCertificateID_SHA256OfDER(t *testing.T) {
	// SHA-256 of the empty string, a published test vector.
	if got := CertificateID(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("CertificateID(nil) = %s", got)
	}
	a := sharedAuthority(t)
	id := CertificateID(a.CACertificate().Raw)
	if len(id) != 64 || strings.ToLower(id) != id {
		t.Fatalf("CertificateID = %q, want 64 lowercase hex digits", id)
	}
}
