package registry

import (
	"context"
	"crypto/x509"
	"errors"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
)

// CreateKeysAndCertificateInput is CreateKeysAndCertificate's request.
type CreateKeysAndCertificateInput struct {
	SetAsActive bool // ACTIVE when set, INACTIVE otherwise
}

// KeysAndCertificate is a new device certificate with its key pair. The
// private key exists nowhere else: hob does not keep it.
type KeysAndCertificate struct {
	CertificateARN string
	CertificateID  string
	CertificatePEM string
	PublicKeyPEM   string
	PrivateKeyPEM  string
}

// CreateKeysAndCertificate makes an RSA-2048 key pair and a certificate for
// it signed by hob's CA, and registers the certificate in mode DEFAULT
// (spec §3.2).
func (r *Registry) CreateKeysAndCertificate(ctx context.Context, in CreateKeysAndCertificateInput) (KeysAndCertificate, error) {
	creds, err := r.issuer.IssueKeysAndCertificate()
	if err != nil {
		return KeysAndCertificate{}, err
	}
	out := KeysAndCertificate{CertificateARN: r.account.ARN(iot.TypeCert, creds.CertificateID),
		CertificateID: creds.CertificateID, CertificatePEM: creds.CertificatePEM,
		PublicKeyPEM: creds.PublicKeyPEM, PrivateKeyPEM: creds.PrivateKeyPEM}
	return out, r.storeIssued(ctx, creds.CertificatePEM, creds.Cert, in.SetAsActive)
}

// CreateCertificateFromCSRInput is CreateCertificateFromCsr's request.
type CreateCertificateFromCSRInput struct {
	CSR         string // PEM
	SetAsActive bool
}

// CreatedCertificate names a certificate hob's CA issued from a CSR.
type CreatedCertificate struct {
	CertificateARN string
	CertificateID  string
	CertificatePEM string
}

// CreateCertificateFromCSR signs a certificate signing request with hob's
// CA and registers the certificate. The same CSR twice gives two distinct
// certificates (botocore model doc). A CSR that does not parse, whose
// signature is wrong or whose key hob's CA refuses (see pki.ParseCSR) is an
// InvalidRequestException, the only
// client error the operation's model lists.
func (r *Registry) CreateCertificateFromCSR(ctx context.Context, in CreateCertificateFromCSRInput) (CreatedCertificate, error) {
	certPEM, cert, err := r.issuer.SignCSR(in.CSR)
	if err != nil {
		return CreatedCertificate{}, csrError(err)
	}
	id := pki.CertificateID(cert.Raw)
	out := CreatedCertificate{CertificateARN: r.account.ARN(iot.TypeCert, id), CertificateID: id, CertificatePEM: certPEM}
	return out, r.storeIssued(ctx, certPEM, cert, in.SetAsActive)
}

// csrError words a refused CSR as InvalidRequestException; other failures
// are hob's own and pass through.
func csrError(err error) error {
	for _, bad := range []error{pki.ErrNotPEM, pki.ErrExtraPEM, pki.ErrNotCSR, pki.ErrBadSignature, pki.ErrUnsupportedKey} {
		if errors.Is(err, bad) {
			return iot.Errorf(iot.InvalidRequestException, "certificateSigningRequest: %v", err)
		}
	}
	return err
}

// storeIssued registers a certificate that hob's CA has just issued.
func (r *Registry) storeIssued(ctx context.Context, certPEM string, cert *x509.Certificate, active bool) error {
	status := StatusInactive
	if active {
		status = StatusActive
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		return r.insertCertTxn(tx, pki.CertificateID(cert.Raw), cert, newCert{pem: certPEM, status: status, mode: ModeDefault})
	})
}
