package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/iot"
)

// authAdapter turns auth's identities into the api's callers: SigV4
// signers through the Authenticator, data-plane callers with a client
// certificate through the Devices.
type authAdapter struct {
	a    *auth.Authenticator
	devs *auth.Devices
}

// Authenticate implements api.Authenticator with SigV4.
func (ad authAdapter) Authenticate(r *http.Request, body []byte, services ...string) (api.Caller, error) {
	id, err := ad.a.Authenticate(r, body, services...)
	if err != nil {
		return api.Caller{}, err
	}
	return api.Caller{AccessKeyID: id.AccessKeyID, Principal: id.Principal}, nil
}

// AuthenticateCertificate implements api.CertificateAuthenticator: the
// client certificate must be registered and ACTIVE (spec §5.1), and the
// certificate's IoT policies then govern the call. A refused certificate
// is a ForbiddenException.
func (ad authAdapter) AuthenticateCertificate(r *http.Request) (api.Caller, error) {
	var src netip.Addr
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		src = ap.Addr()
	}
	d, err := ad.devs.Authenticate(r.Context(), auth.ConnRequest{Certificates: r.TLS.PeerCertificates,
		Transport: "https", SourceIP: src})
	var ce *auth.ConnectError
	if errors.As(err, &ce) {
		return api.Caller{}, iot.Errorf(iot.ForbiddenException, "client certificate %s: %v", ce.CertificateID, ce.Err)
	}
	if err != nil {
		return api.Caller{}, fmt.Errorf("app: authenticating a client certificate: %w", err)
	}
	return api.Caller{Principal: d.ID(), Policy: devicePolicy{d}}, nil
}

// devicePolicy answers the api's policy questions with a Device.
type devicePolicy struct{ d *auth.Device }

// Allowed implements api.PolicyChecker.
func (p devicePolicy) Allowed(action, resource string) bool {
	return p.d.Authorize(action, resource).Allowed
}

var (
	_ api.Authenticator            = authAdapter{}
	_ api.CertificateAuthenticator = authAdapter{}
	_ api.PolicyChecker            = devicePolicy{}
)
