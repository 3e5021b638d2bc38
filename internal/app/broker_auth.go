package app

import (
	"context"
	"net"
	"net/netip"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
)

// brokerAuthorizer adapts auth.Devices to the broker's Authorizer seam:
// clients with a certificate are authenticated by the Devices; clients of
// the --dev plain listener (broker.TransportDev) get a DevDevice under
// devPolicy (nil: allow all). The *auth.Device it returns is the
// broker.Principal. WebSocket clients sign their upgrade URL with SigV4
// and present no certificate: one whose access key the WebSocket handler
// verified gets a DevDevice that allows everything, as any valid access
// key has full rights on hob's data plane (hob has no IAM, docs/compat.md);
// one without is refused (auth.ErrNoCertificate).
type brokerAuthorizer struct {
	devs      *auth.Devices
	account   iot.Account
	devPolicy *policy.Document
}

// Authenticate implements broker.Authorizer.
func (b brokerAuthorizer) Authenticate(ctx context.Context, info broker.ConnInfo) (broker.Principal, error) {
	req := auth.ConnRequest{ClientID: info.ClientID, Certificates: info.Certificates, Transport: string(info.Transport),
		CleanStart: info.CleanStart, HasWill: info.HasWill, WillTopic: info.WillTopic, SourceIP: addrOf(info.RemoteAddr)}
	if info.Transport == broker.TransportDev {
		return auth.DevDevice(b.devPolicy, req, b.account), nil
	}
	if info.Transport == broker.TransportWebSocket && info.SigV4AccessKeyID != "" {
		return auth.DevDevice(nil, req, b.account), nil
	}
	d, err := b.devs.Authenticate(ctx, req)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return d, nil
}

// addrOf is the IP address of a network address; zero when it has none.
func addrOf(a net.Addr) netip.Addr {
	if a == nil {
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr()
	}
	ip, _ := netip.ParseAddr(a.String())
	return ip
}

var (
	_ broker.Authorizer = brokerAuthorizer{}
	_ broker.Principal  = (*auth.Device)(nil)
)
