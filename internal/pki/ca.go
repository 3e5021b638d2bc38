package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hob-iot/hob/internal/atomicfile"
)

// caValidity is how long hob's root CA lives: past the 2049 expiry of the
// device certificates it signs.
const caValidity = 30 * 365 * 24 * time.Hour

// backdate is how far before "now" certificates start, for peers whose
// clocks trail ours.
const (
	caBackdate     = time.Hour
	deviceBackdate = time.Minute
)

// caFiles is the CA as loaded or created.
type caFiles struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
}

// loadOrCreateCA loads ca.pem and ca.key from dir, or creates them when
// ca.pem does not exist; created reports the latter.
func loadOrCreateCA(dir string, now time.Time) (ca caFiles, created bool, err error) {
	certPath := filepath.Join(dir, caCertFile)
	ok, err := exists(certPath)
	if err != nil {
		return ca, false, fmt.Errorf("pki: %w", err)
	}
	if !ok {
		ca, err = createCA(dir, now)
		return ca, true, err
	}
	ca, err = loadCA(dir)
	return ca, false, err
}

func loadCA(dir string) (caFiles, error) {
	var ca caFiles
	b, err := readPEMBlock(filepath.Join(dir, caCertFile))
	if err != nil {
		return ca, fmt.Errorf("pki: CA certificate: %w", err)
	}
	if ca.cert, err = x509.ParseCertificate(b.Bytes); err != nil {
		return ca, fmt.Errorf("pki: %s: %w", caCertFile, err)
	}
	if !ca.cert.IsCA {
		return ca, fmt.Errorf("pki: %s is not a CA certificate", caCertFile)
	}
	ca.certPEM = pem.EncodeToMemory(b)
	kb, err := readPEMBlock(filepath.Join(dir, caKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return ca, fmt.Errorf("pki: %s exists but %s is missing: restore it, or remove %s to create a new CA (every device must then trust the new one)",
			caCertFile, caKeyFile, caCertFile)
	}
	if err != nil {
		return ca, fmt.Errorf("pki: CA key: %w", err)
	}
	if ca.key, err = parsePrivateKey(kb); err != nil {
		return ca, fmt.Errorf("pki: %s: %w", caKeyFile, err)
	}
	if !publicKeysEqual(ca.key.Public(), ca.cert.PublicKey) {
		return ca, fmt.Errorf("pki: %s does not belong to %s", caKeyFile, caCertFile)
	}
	return ca, nil
}

// createCA makes hob's root CA: RSA-2048, CN "hob Root CA", CA basic
// constraints, key usage CertSign and CRLSign; it writes ca.key, then
// ca.pem.
func createCA(dir string, now time.Time) (caFiles, error) {
	var ca caFiles
	key, err := generateKey()
	if err != nil {
		return ca, fmt.Errorf("pki: CA key: %w", err)
	}
	tmpl, err := caTemplate(key.Public(), now)
	if err != nil {
		return ca, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return ca, fmt.Errorf("pki: CA certificate: %w", err)
	}
	if ca.cert, err = x509.ParseCertificate(der); err != nil {
		return ca, fmt.Errorf("pki: CA certificate: %w", err)
	}
	ca.key = key
	ca.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := atomicfile.Write(filepath.Join(dir, caKeyFile), encodeRSAKey(key), keyMode); err != nil {
		return ca, fmt.Errorf("pki: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, caCertFile), ca.certPEM, certMode); err != nil {
		return ca, fmt.Errorf("pki: %w", err)
	}
	return ca, nil
}

func caTemplate(pub crypto.PublicKey, now time.Time) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("pki: serial: %w", err)
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "hob Root CA", Organization: []string{"hob"}},
		NotBefore:             now.Add(-caBackdate).UTC().Truncate(time.Second),
		NotAfter:              now.Add(caValidity).UTC().Truncate(time.Second),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SubjectKeyId:          ski,
	}, nil
}
