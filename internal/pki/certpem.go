package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// Errors that describe bad certificate or CSR input. Callers map them to
// AWS's CertificateValidationException or InvalidRequestException with
// errors.Is; the wrapped message says more.
var (
	ErrNotPEM         = errors.New("input is not PEM")
	ErrExtraPEM       = errors.New("input has more than one PEM block")
	ErrNotCertificate = errors.New("not an X.509 certificate")
	ErrNotCSR         = errors.New("not a certificate signing request")
	ErrBadSignature   = errors.New("signature does not verify")
	ErrUnsupportedKey = errors.New("unsupported public key")
)

// ParseCertificatePEM parses text holding exactly one PEM block of type
// CERTIFICATE (text around it is ignored, as PEM allows).
func ParseCertificatePEM(text string) (*x509.Certificate, error) {
	b, err := singleBlock(text)
	if err != nil {
		return nil, err
	}
	if b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%w: PEM block is %q, want \"CERTIFICATE\"", ErrNotCertificate, b.Type)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCertificate, err)
	}
	return c, nil
}

// singleBlock decodes the one PEM block in text.
func singleBlock(text string) (*pem.Block, error) {
	b, rest := pem.Decode([]byte(text))
	if b == nil {
		return nil, fmt.Errorf("%w: no -----BEGIN ...----- block found", ErrNotPEM)
	}
	if next, _ := pem.Decode(rest); next != nil {
		return nil, fmt.Errorf("%w: a %q block follows the %q block", ErrExtraPEM, next.Type, b.Type)
	}
	return b, nil
}

// CertificateID is AWS's certificateId: the lowercase hex SHA-256 of the
// certificate's DER encoding (spec §3.2).
func CertificateID(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
