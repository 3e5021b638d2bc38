package auth

import (
	"errors"
	"fmt"
)

// Why Devices.Authenticate refuses a client; a *ConnectError wraps one.
// The broker answers each with CONNACK "not authorized" (spec §2.6, §5.1).
var (
	ErrNoCertificate        = errors.New("the client presented no certificate")
	ErrUnknownCertificate   = errors.New("the certificate is not registered")
	ErrCertificateNotActive = errors.New("the certificate is not ACTIVE")
	ErrCertificateExpired   = errors.New("the certificate is outside its validity period")
)

// ConnectError is a refused client: which of the Err* reasons, and the
// certificate and client it is about.
type ConnectError struct {
	Err           error  // one of ErrNoCertificate, ErrUnknownCertificate, ...
	ClientID      string // as the client sent it
	CertificateID string // "" for ErrNoCertificate
	Status        string // the certificate's status, for ErrCertificateNotActive
	Detail        string // e.g. the validity period, for ErrCertificateExpired
}

// Error says who was refused and why, e.g. `auth: client "c1":
// certificate 3f2a… is INACTIVE; only ACTIVE certificates may connect`.
func (e *ConnectError) Error() string {
	who := fmt.Sprintf("auth: client %q", e.ClientID)
	switch {
	case errors.Is(e.Err, ErrNoCertificate):
		return who + ": no client certificate; devices authenticate with an X.509 certificate registered in hob"
	case errors.Is(e.Err, ErrUnknownCertificate):
		return fmt.Sprintf("%s: certificate %s is not registered (register it, or create one with CreateKeysAndCertificate)",
			who, e.CertificateID)
	case errors.Is(e.Err, ErrCertificateNotActive):
		return fmt.Sprintf("%s: certificate %s is %s; only ACTIVE certificates may connect", who, e.CertificateID, e.Status)
	case errors.Is(e.Err, ErrCertificateExpired):
		return fmt.Sprintf("%s: certificate %s is not valid now (%s)", who, e.CertificateID, e.Detail)
	}
	return fmt.Sprintf("%s: certificate %s: %v", who, e.CertificateID, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *ConnectError) Unwrap() error { return e.Err }

// NotAuthorized reports that the client is refused, as opposed to hob
// failing to decide; the broker, which does not import auth, tests for
// this method (see broker.Authorizer).
func (e *ConnectError) NotAuthorized() bool { return true }
