package registry

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
)

// CertIssuer issues device certificates with hob's CA. *pki.Authority
// satisfies it.
type CertIssuer interface {
	// IssueKeysAndCertificate makes an RSA-2048 key pair and a client
	// certificate for it (CreateKeysAndCertificate).
	IssueKeysAndCertificate() (pki.DeviceCredentials, error)
	// SignCSR issues a client certificate for a PEM CSR
	// (CreateCertificateFromCsr); input errors wrap pki's sentinels.
	SignCSR(csrPEM string) (certPEM string, cert *x509.Certificate, err error)
	// CACertificate is hob's CA certificate, which RegisterCertificate
	// verifies against when no CA is given.
	CACertificate() *x509.Certificate
}

var _ CertIssuer = (*pki.Authority)(nil)

// CertificateStatus is a certificate's state (botocore CertificateStatus).
// Only ACTIVE certificates authenticate devices (spec §5.1).
type CertificateStatus string

// The certificate statuses of AWS IoT (spec §3.2).
const (
	StatusActive            CertificateStatus = "ACTIVE"
	StatusInactive          CertificateStatus = "INACTIVE"
	StatusRevoked           CertificateStatus = "REVOKED"
	StatusPendingTransfer   CertificateStatus = "PENDING_TRANSFER"
	StatusRegisterInactive  CertificateStatus = "REGISTER_INACTIVE"
	StatusPendingActivation CertificateStatus = "PENDING_ACTIVATION"
)

// CertificateMode says how devices present a certificate (botocore
// CertificateMode): DEFAULT certificates chain to a CA, SNI_ONLY ones
// (RegisterCertificateWithoutCA) are matched by fingerprint alone.
type CertificateMode string

// The certificate modes of AWS IoT.
const (
	ModeDefault CertificateMode = "DEFAULT"
	ModeSNIOnly CertificateMode = "SNI_ONLY"
)

// Certificate is one device certificate as DescribeCertificate shows it,
// plus the parsed X.509 certificate for the broker (X509.Raw is its DER).
type Certificate struct {
	ID              string // lowercase hex SHA-256 of the DER (spec §3.2)
	ARN             string
	Status          CertificateStatus
	Mode            CertificateMode
	CACertificateID string // empty unless registered with a CA
	PEM             string
	OwnedBy         string // the account id
	Created         time.Time
	Modified        time.Time
	CustomerVersion int
	GenerationID    string
	NotBefore       time.Time
	NotAfter        time.Time
	X509            *x509.Certificate
}

// CertificateSummary is one entry of ListCertificates.
type CertificateSummary struct {
	ID      string
	ARN     string
	Status  CertificateStatus
	Mode    CertificateMode
	Created time.Time
}

// certRecord is a certificate as stored in tableCertificates, keyed by its
// id.
type certRecord struct {
	PEM             string            `json:"pem"`
	Status          CertificateStatus `json:"status"`
	Mode            CertificateMode   `json:"mode"`
	CACertificateID string            `json:"caCertificateId,omitempty"`
	Created         time.Time         `json:"created"`
	Modified        time.Time         `json:"modified"`
	CustomerVersion int               `json:"customerVersion"`
	GenerationID    string            `json:"generationId"`
	NotBefore       time.Time         `json:"notBefore"`
	NotAfter        time.Time         `json:"notAfter"`
}

// DescribeCertificate returns the certificate with the given id, or
// ResourceNotFoundException.
func (r *Registry) DescribeCertificate(ctx context.Context, id string) (Certificate, error) {
	return r.CertificateByID(ctx, id)
}

// CertificateByID returns the certificate with the given id, with its X.509
// form parsed, for the broker's mutual-TLS check (spec §5.1): the caller
// accepts it only when Status is ACTIVE. An unknown id is a
// ResourceNotFoundException.
func (r *Registry) CertificateByID(ctx context.Context, id string) (Certificate, error) {
	if err := iot.CertificateID.Check(id); err != nil {
		return Certificate{}, err
	}
	id = strings.ToLower(id)
	var c Certificate
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getCertTxn(tx, id)
		if err != nil {
			return err
		}
		c, err = r.certificateOf(id, rec)
		return err
	})
	return c, err
}

// getCertTxn reads the certificate record with the given (lowercase) id,
// or returns ResourceNotFoundException.
func getCertTxn(tx store.ReadTx, id string) (certRecord, error) {
	var rec certRecord
	found, err := getJSON(tx, tableCertificates, id, &rec)
	if err != nil {
		return rec, err
	}
	if !found {
		return rec, iot.Errorf(iot.ResourceNotFoundException, "certificate %s does not exist", id)
	}
	return rec, nil
}

// certificateOf builds the exported view of a stored certificate.
func (r *Registry) certificateOf(id string, rec certRecord) (Certificate, error) {
	x, err := parseCertPEM(rec.PEM)
	if err != nil {
		return Certificate{}, err
	}
	return Certificate{
		ID: id, ARN: r.account.ARN(iot.TypeCert, id), Status: rec.Status, Mode: rec.Mode,
		CACertificateID: rec.CACertificateID, PEM: rec.PEM, OwnedBy: r.account.ID,
		Created: rec.Created, Modified: rec.Modified, CustomerVersion: rec.CustomerVersion,
		GenerationID: rec.GenerationID, NotBefore: rec.NotBefore, NotAfter: rec.NotAfter, X509: x,
	}, nil
}

// parseCertPEM parses a certificate the client gave. Anything but one PEM
// CERTIFICATE block holding an X.509 certificate is a
// CertificateValidationException saying what is wrong.
func parseCertPEM(s string) (*x509.Certificate, error) {
	x, err := pki.ParseCertificatePEM(s)
	if err != nil {
		return nil, iot.Errorf(iot.CertificateValidationException, "certificatePem: %v", err)
	}
	return x, nil
}

// newGenerationID returns a fresh random generation id: 32 hex digits.
func newGenerationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
