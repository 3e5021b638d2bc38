package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// RSA key sizes accepted in a CSR. The upper bound keeps signature checks
// cheap; AWS IoT documents 2048 bits and more.
const (
	minCSRRSABits = 2048
	maxCSRRSABits = 8192
)

// ParseCSR parses text holding exactly one PEM block of type CERTIFICATE
// REQUEST (or the older NEW CERTIFICATE REQUEST), checks its signature and
// that its key is RSA of 2048 to 8192 bits or ECDSA on P-256 or P-384.
// Errors wrap ErrNotPEM, ErrExtraPEM, ErrNotCSR, ErrBadSignature or
// ErrUnsupportedKey.
func ParseCSR(text string) (*x509.CertificateRequest, error) {
	b, err := singleBlock(text)
	if err != nil {
		return nil, err
	}
	if b.Type != "CERTIFICATE REQUEST" && b.Type != "NEW CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("%w: PEM block is %q, want \"CERTIFICATE REQUEST\"", ErrNotCSR, b.Type)
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCSR, err)
	}
	if err := checkCSRKey(csr); err != nil {
		return nil, err
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: CSR: %v", ErrBadSignature, err)
	}
	return csr, nil
}

func checkCSRKey(csr *x509.CertificateRequest) error {
	switch k := csr.PublicKey.(type) {
	case *rsa.PublicKey:
		if n := k.N.BitLen(); n < minCSRRSABits || n > maxCSRRSABits {
			return fmt.Errorf("%w: RSA key of %d bits; want %d to %d", ErrUnsupportedKey, n, minCSRRSABits, maxCSRRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return fmt.Errorf("%w: ECDSA curve %s; want P-256 or P-384", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		return nil
	}
	return fmt.Errorf("%w: %s key; want RSA or ECDSA", ErrUnsupportedKey, csr.PublicKeyAlgorithm)
}

// SignCSR is CreateCertificateFromCsr: it validates the CSR as ParseCSR
// does and issues a client certificate for its key, with the CSR's
// subject (its exact bytes), signed by hob's CA and valid until 2049-12-31T23:59:59Z. Other
// CSR contents (extensions, SANs) are not copied.
func (a *Authority) SignCSR(csrPEM string) (certPEM string, cert *x509.Certificate, err error) {
	csr, err := ParseCSR(csrPEM)
	if err != nil {
		return "", nil, err
	}
	return a.signDevice(csr.PublicKey, csr.Subject, csr.RawSubject)
}
