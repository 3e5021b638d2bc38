package registry

import (
	"context"
	"crypto/x509"
	"errors"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
)

// RegisterCertificateInput is RegisterCertificateWithoutCA's and
// RegisterCertificate's request.
type RegisterCertificateInput struct {
	CertificatePEM   string
	CACertificatePEM string // RegisterCertificate only: the CA that signed it
	// Status is the new certificate's status: ACTIVE, INACTIVE or REVOKED;
	// empty means INACTIVE.
	Status CertificateStatus
	// SetAsActive is RegisterCertificate's deprecated flag; true overrides
	// Status with ACTIVE.
	SetAsActive bool
}

// RegisterCertificateOutput names the registered certificate.
type RegisterCertificateOutput struct {
	CertificateARN string
	CertificateID  string
}

// RegisterCertificateWithoutCA registers a certificate that no registered
// CA vouches for; devices are matched by its fingerprint alone, so its mode
// is SNI_ONLY (spec §3.2). A PEM that is not an X.509 certificate is a
// CertificateValidationException; a certificate already known is a
// ResourceAlreadyExistsException "The certificate is already provisioned or
// registered" [moto].
func (r *Registry) RegisterCertificateWithoutCA(ctx context.Context, in RegisterCertificateInput) (RegisterCertificateOutput, error) {
	in.CACertificatePEM, in.SetAsActive = "", false
	return r.register(ctx, in, ModeSNIOnly, "")
}

// RegisterCertificate registers a device certificate signed by a CA: hob's
// own CA, or the CA whose certificate is given in CACertificatePEM. The
// signature must verify (CertificateValidationException otherwise); its
// mode is DEFAULT and its caCertificateId the CA certificate's id.
//
// Deviation: AWS requires the CA to be registered first
// (RegisterCACertificate, which hob does not implement); hob verifies
// against the given CA certificate instead.
func (r *Registry) RegisterCertificate(ctx context.Context, in RegisterCertificateInput) (RegisterCertificateOutput, error) {
	cert, err := parseCertPEM(in.CertificatePEM)
	if err != nil {
		return RegisterCertificateOutput{}, err
	}
	ca, err := r.signingCA(cert, in.CACertificatePEM)
	if err != nil {
		return RegisterCertificateOutput{}, err
	}
	if in.SetAsActive {
		in.Status = StatusActive
	}
	return r.register(ctx, in, ModeDefault, pki.CertificateID(ca.Raw))
}

// signingCA returns the CA certificate that signed cert: the one in caPEM
// when given, else hob's own CA.
func (r *Registry) signingCA(cert *x509.Certificate, caPEM string) (*x509.Certificate, error) {
	var ca *x509.Certificate
	if caPEM != "" {
		var err error
		if ca, err = parseCertPEM(caPEM); err != nil {
			e, _ := iot.AsError(err)
			return nil, iot.Errorf(iot.CertificateValidationException, "caCertificatePem: %s", e.Message)
		}
	} else {
		ca = r.issuer.CACertificate()
	}
	if err := cert.CheckSignatureFrom(ca); err != nil {
		return nil, iot.Errorf(iot.CertificateValidationException,
			"the certificate is not signed by the CA %q: %v", ca.Subject.String(), err)
	}
	return ca, nil
}

// register stores a certificate given by the client.
func (r *Registry) register(ctx context.Context, in RegisterCertificateInput, mode CertificateMode, caID string) (RegisterCertificateOutput, error) {
	status, err := registrationStatus(in.Status)
	if err != nil {
		return RegisterCertificateOutput{}, err
	}
	cert, err := parseCertPEM(in.CertificatePEM)
	if err != nil {
		return RegisterCertificateOutput{}, err
	}
	id := pki.CertificateID(cert.Raw)
	err = r.st.Update(ctx, func(tx store.Tx) error {
		return r.insertCertTxn(tx, id, cert, newCert{pem: in.CertificatePEM, status: status, mode: mode, caID: caID})
	})
	if err != nil {
		return RegisterCertificateOutput{}, err
	}
	return RegisterCertificateOutput{CertificateARN: r.account.ARN(iot.TypeCert, id), CertificateID: id}, nil
}

// registrationStatus checks the status a certificate is registered with:
// ACTIVE, INACTIVE or REVOKED, the values AWS documents for
// RegisterCertificate; empty means INACTIVE.
func registrationStatus(s CertificateStatus) (CertificateStatus, error) {
	switch s {
	case "":
		return StatusInactive, nil
	case StatusActive, StatusInactive, StatusRevoked:
		return s, nil
	}
	return "", iot.Errorf(iot.InvalidRequestException,
		"status %q is not one a certificate can be registered with: ACTIVE, INACTIVE or REVOKED", s)
}

// newCert is what a creating operation knows about a certificate besides
// its X.509 form.
type newCert struct {
	pem    string
	status CertificateStatus
	mode   CertificateMode
	caID   string
}

// insertCertTxn stores a new certificate with the given id and adds it to
// the creation-order index. An id already stored is a
// ResourceAlreadyExistsException.
func (r *Registry) insertCertTxn(tx store.Tx, id string, cert *x509.Certificate, n newCert) error {
	arn := r.account.ARN(iot.TypeCert, id)
	_, err := tx.Get(tableCertificates, id)
	if err == nil {
		return iot.AlreadyExists(id, arn, "The certificate is already provisioned or registered")
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := r.now().UTC()
	rec := certRecord{
		PEM: n.pem, Status: n.status, Mode: n.mode, CACertificateID: n.caID,
		Created: now, Modified: now, CustomerVersion: 1, GenerationID: newGenerationID(),
		NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(),
	}
	if err := putJSON(tx, tableCertificates, id, rec); err != nil {
		return err
	}
	return certsByCreation.put(tx, now, id)
}
