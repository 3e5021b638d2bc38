package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"time"
)

// deviceCommonName is the subject of the certificates AWS IoT's
// CreateKeysAndCertificate returns.
const deviceCommonName = "AWS IoT Certificate"

// deviceNotAfter is when AWS IoT's device certificates expire.
var deviceNotAfter = time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)

// DeviceCredentials is what CreateKeysAndCertificate returns: a certificate
// signed by hob's CA and its key pair, in AWS's formats (the private key as
// PKCS#1 "RSA PRIVATE KEY", the public key as PKIX "PUBLIC KEY").
type DeviceCredentials struct {
	CertificatePEM string
	PublicKeyPEM   string
	PrivateKeyPEM  string
	CertificateID  string // lowercase hex SHA-256 of the certificate's DER
	Cert           *x509.Certificate
}

// IssueKeysAndCertificate makes an RSA-2048 key pair (from the key pool
// when there is one) and a client certificate for it: subject CN "AWS IoT
// Certificate", extended key usage clientAuth, a random 159-bit serial,
// valid until 2049-12-31T23:59:59Z, as AWS's are.
func (a *Authority) IssueKeysAndCertificate() (DeviceCredentials, error) {
	var dc DeviceCredentials
	key, err := a.newKey()
	if err != nil {
		return dc, fmt.Errorf("pki: device key: %w", err)
	}
	certPEM, cert, err := a.signDevice(key.Public(), pkix.Name{CommonName: deviceCommonName}, nil)
	if err != nil {
		return dc, err
	}
	pub, err := encodePublicKey(key.Public())
	if err != nil {
		return dc, fmt.Errorf("pki: device public key: %w", err)
	}
	return DeviceCredentials{
		CertificatePEM: certPEM,
		PublicKeyPEM:   string(pub),
		PrivateKeyPEM:  string(encodeRSAKey(key)),
		CertificateID:  CertificateID(cert.Raw),
		Cert:           cert,
	}, nil
}

func (a *Authority) newKey() (*rsa.PrivateKey, error) {
	if a.keys != nil {
		return a.keys.Get()
	}
	return generateKey()
}

// signDevice signs a client certificate for pub with the given subject;
// rawSubject, when set, is used instead, byte for byte.
func (a *Authority) signDevice(pub crypto.PublicKey, subject pkix.Name, rawSubject []byte) (string, *x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return "", nil, fmt.Errorf("pki: serial: %w", err)
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return "", nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		RawSubject:            rawSubject,
		NotBefore:             a.now().Add(-deviceBackdate).UTC().Truncate(time.Second),
		NotAfter:              deviceNotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		SubjectKeyId:          ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.ca.cert, pub, a.ca.key)
	if err != nil {
		return "", nil, fmt.Errorf("pki: device certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", nil, fmt.Errorf("pki: device certificate: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), cert, nil
}
