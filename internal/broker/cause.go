package broker

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Lifecycle disconnectReason values (spec §4.10).
const (
	reasonAuthError       = "AUTH_ERROR"
	reasonClientError     = "CLIENT_ERROR"
	reasonClientInitiated = "CLIENT_INITIATED_DISCONNECT"
	reasonConnectionLost  = "CONNECTION_LOST"
	reasonDuplicateID     = "DUPLICATE_CLIENTID"
	reasonForbidden       = "FORBIDDEN_ACCESS"
	reasonKeepAlive       = "MQTT_KEEP_ALIVE_TIMEOUT"
	reasonServerError     = "SERVER_ERROR"
	reasonServerInitiated = "SERVER_INITIATED_DISCONNECT"
	reasonThrottled       = "THROTTLED"
)

// cause is why a connection ends. The first cause recorded wins: a
// connection that the broker closes for a reason and whose socket then
// fails keeps the reason.
type cause struct {
	// code is the Reason Code of the DISCONNECT sent to an MQTT 5 client
	// when send is true. MQTT 3.1.1 has no server DISCONNECT: the
	// connection is simply closed.
	code packet.ReasonCode
	send bool
	// will says whether the Will Message is published: always, except
	// after a client's DISCONNECT 0x00 [MQTT-3.14.4-3] and at shutdown.
	will bool
	// client is true when the client sent DISCONNECT.
	client bool
	// event is the lifecycle event's disconnectReason.
	event string
	// detail explains the cause, for logs and the Reason String.
	detail string
}

func (c *cause) String() string {
	if c.detail == "" {
		return c.event
	}
	return c.event + ": " + c.detail
}

// causeClient is a client's DISCONNECT with reason rc: 0x04 asks for the
// Will to be published, anything else (0x00 among them) discards it.
func causeClient(rc packet.ReasonCode) *cause {
	return &cause{client: true, will: rc == packet.DisconnectWithWillMessage,
		event: reasonClientInitiated, detail: rc.NameIn(packet.DISCONNECT)}
}

// causeLost is a network failure, or a client that closed its side
// without DISCONNECT.
func causeLost(err error) *cause {
	return &cause{will: true, event: reasonConnectionLost, detail: err.Error()}
}

// causeProtocol is a packet the broker refuses to go on after: a
// Malformed Packet, a Protocol Error, or another failure code.
func causeProtocol(code packet.ReasonCode, format string, args ...any) *cause {
	return &cause{code: code, send: true, will: true, event: reasonClientError, detail: fmt.Sprintf(format, args...)}
}

// causeDenied is an operation a policy refused where the broker answers by
// disconnecting (spec §2.6).
func causeDenied(detail string) *cause {
	return &cause{code: packet.NotAuthorized, send: true, will: true, event: reasonForbidden, detail: detail}
}

var (
	causeKeepAlive = &cause{code: packet.KeepAliveTimeout, send: true, will: true, event: reasonKeepAlive,
		detail: "no packet within 1.5 times the keep-alive"}
	causeTakeover = &cause{code: packet.SessionTakenOver, send: true, will: true, event: reasonDuplicateID,
		detail: "another connection took the client id over"}
	causeShutdown = &cause{code: packet.ServerShuttingDown, send: true, event: reasonServerInitiated,
		detail: "server shutting down"}
	causeAdmin = &cause{code: packet.AdministrativeAction, send: true, will: true, event: reasonServerInitiated,
		detail: "the principal may no longer connect"}
	causeOverflow = &cause{code: packet.QuotaExceeded, send: true, will: true, event: reasonThrottled,
		detail: "the client does not read what it asked for"}
	causeStore = &cause{code: packet.UnspecifiedError, send: true, will: true, event: reasonServerError,
		detail: "durable storage failed"}
)

// causeRead turns a reader error into a cause.
func causeRead(err error) *cause {
	var pe *packet.Error
	switch {
	case errors.As(err, &pe):
		code := pe.Code
		if !code.ValidIn(packet.DISCONNECT) {
			code = packet.MalformedPacket
		}
		return causeProtocol(code, "%v", pe)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return causeKeepAlive
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return causeKeepAlive
	}
	return causeLost(err)
}
