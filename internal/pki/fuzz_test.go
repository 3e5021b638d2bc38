package pki

import (
	"crypto/elliptic"
	"errors"
	"testing"
)

// FuzzParseCertificatePEM checks that any input either parses or fails
// with one of the package's input errors, never panicking.
func FuzzParseCertificatePEM(f *testing.F) {
	a := sharedAuthority(f)
	ca := string(a.CACertPEM())
	for _, s := range []string{ca, ca + ca, "", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "junk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCertificatePEM(in)
		switch {
		case err == nil && c == nil:
			t.Fatal("nil certificate without an error")
		case err != nil && !isInputError(err):
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}

// FuzzSignCSR checks ParseCSR on arbitrary input and signs whatever it
// accepts.
func FuzzSignCSR(f *testing.F) {
	a := sharedAuthority(f)
	good, der := makeCSR(f, ecKey(f, elliptic.P256()), deviceSubject)
	f.Add(good)
	f.Add(good + good)
	f.Add(string(der))
	f.Add("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
	f.Fuzz(func(t *testing.T, in string) {
		if _, err := ParseCSR(in); err != nil {
			if !isInputError(err) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if _, cert, err := a.SignCSR(in); err != nil || cert == nil {
			t.Fatalf("SignCSR of an accepted CSR: %v", err)
		}
	})
}

func isInputError(err error) bool {
	for _, e := range []error{ErrNotPEM, ErrExtraPEM, ErrNotCertificate, ErrNotCSR, ErrBadSignature, ErrUnsupportedKey} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
