package broker

import (
	"context"
	"crypto/x509"
	"net"

	"github.com/hob-iot/hob/internal/policy"
)

// Transport names how a client reached the broker; it appears in logs and
// lifecycle events.
type Transport string

// Transports hob serves (spec §4.1).
const (
	TransportTLS       Transport = "mqtt-tls"  // 8883, client certificate
	TransportALPN      Transport = "mqtt-alpn" // 8443 with ALPN x-amzn-mqtt-ca
	TransportWebSocket Transport = "wss"       // 8443 /mqtt, SigV4 presigned URL
	TransportDev       Transport = "dev"       // --dev plain TCP on loopback
)

// ConnInfo is what the broker knows about a client when it sends CONNECT.
type ConnInfo struct {
	ClientID  string
	Transport Transport
	// Certificates are the client's TLS certificates, leaf first, already
	// verified against hob's CA by the TLS layer when it could be (empty on
	// WebSocket and dev connections).
	Certificates []*x509.Certificate
	// SigV4AccessKeyID is the access key that signed a WebSocket URL:
	// ServeConn takes it from a net.Conn that implements SigV4Conn.
	SigV4AccessKeyID string
	RemoteAddr       net.Addr
	// CleanStart is false when the client asks for a persistent session;
	// HasWill and WillTopic describe its Last Will. Policies see them as
	// iot:ConnectAttributes and iot:LastWillTopic (spec §2.5).
	CleanStart bool
	HasWill    bool
	WillTopic  string
}

// SigV4Conn is implemented by a net.Conn whose client was authenticated
// with SigV4 before it reached the broker: app's WebSocket adapter, after
// verifying the presigned upgrade URL (spec §5.3). The broker copies
// SigV4AccessKeyID into ConnInfo.SigV4AccessKeyID.
type SigV4Conn interface {
	net.Conn
	SigV4AccessKeyID() string
}

// Authorizer decides who a connecting client is. app implements it over
// auth.Devices.
type Authorizer interface {
	// Authenticate returns the client's principal, or an error when the
	// client must not get a session at all. An error with a method
	// NotAuthorized() bool that returns true refuses the client (no, an
	// unknown, INACTIVE, REVOKED or expired certificate, spec §5.1: CONNACK
	// "not authorized"); any other error means hob could not decide, e.g.
	// the store failed (CONNACK "server unavailable"). It does not check
	// iot:Connect; the broker asks the principal for that.
	Authenticate(ctx context.Context, info ConnInfo) (Principal, error)
}

// Principal answers what one connected client may do. Implementations are
// safe for concurrent use and fast: Authorize runs for every PUBLISH,
// SUBSCRIBE and delivery (auth.Device: a few hundred ns, no allocation).
// Policy or attachment changes in the registry take effect on the next
// call once the control-plane request that made them has returned (spec
// §2, issue 3 item 3); a certificate that leaves ACTIVE is denied
// everything, and app asks the broker to disconnect its clients.
type Principal interface {
	// ID identifies the principal, e.g. the certificate ARN; the broker
	// disconnects every client of a principal with DisconnectPrincipal.
	ID() string
	// Authorize evaluates action ("iot:Publish", ...) on resource (a full
	// ARN: client/{id}, topic/{name}, topicfilter/{filter}) with the
	// principal's policies and this connection's variables, and returns
	// the decision with the statement that made it.
	Authorize(action, resource string) policy.Decision
}
