package packet

import "fmt"

// ReasonCode is an MQTT 5 Reason Code (5.0 §2.4): a one-byte result in
// CONNACK, the publish acknowledgements, SUBACK, UNSUBACK, DISCONNECT and
// AUTH. Values below 0x80 report success, 0x80 and above failure. A
// ReasonCode is an error whose text is its name, so a decoder error
// unwraps to the code the server must answer with:
//
//	if errors.Is(err, packet.ProtocolError) { ... }
//
// MQTT 3.1.1 has fewer codes; the codec translates where 3.1.1 has a
// counterpart (CONNACK return codes, SUBACK failure) and otherwise leaves
// the code out of the 3.1.1 wire form.
type ReasonCode byte

// The Reason Codes of 5.0 Table 2-6. Success, NormalDisconnection and
// GrantedQoS0 share the value 0x00.
const (
	Success                             ReasonCode = 0x00
	NormalDisconnection                 ReasonCode = 0x00
	GrantedQoS0                         ReasonCode = 0x00
	GrantedQoS1                         ReasonCode = 0x01
	GrantedQoS2                         ReasonCode = 0x02
	DisconnectWithWillMessage           ReasonCode = 0x04
	NoMatchingSubscribers               ReasonCode = 0x10
	NoSubscriptionExisted               ReasonCode = 0x11
	ContinueAuthentication              ReasonCode = 0x18
	ReAuthenticate                      ReasonCode = 0x19
	UnspecifiedError                    ReasonCode = 0x80
	MalformedPacket                     ReasonCode = 0x81
	ProtocolError                       ReasonCode = 0x82
	ImplementationSpecificError         ReasonCode = 0x83
	UnsupportedProtocolVersion          ReasonCode = 0x84
	ClientIdentifierNotValid            ReasonCode = 0x85
	BadUserNameOrPassword               ReasonCode = 0x86
	NotAuthorized                       ReasonCode = 0x87
	ServerUnavailable                   ReasonCode = 0x88
	ServerBusy                          ReasonCode = 0x89
	Banned                              ReasonCode = 0x8A
	ServerShuttingDown                  ReasonCode = 0x8B
	BadAuthenticationMethod             ReasonCode = 0x8C
	KeepAliveTimeout                    ReasonCode = 0x8D
	SessionTakenOver                    ReasonCode = 0x8E
	TopicFilterInvalid                  ReasonCode = 0x8F
	TopicNameInvalid                    ReasonCode = 0x90
	PacketIdentifierInUse               ReasonCode = 0x91
	PacketIdentifierNotFound            ReasonCode = 0x92
	ReceiveMaximumExceeded              ReasonCode = 0x93
	TopicAliasInvalid                   ReasonCode = 0x94
	PacketTooLarge                      ReasonCode = 0x95
	MessageRateTooHigh                  ReasonCode = 0x96
	QuotaExceeded                       ReasonCode = 0x97
	AdministrativeAction                ReasonCode = 0x98
	PayloadFormatInvalid                ReasonCode = 0x99
	RetainNotSupported                  ReasonCode = 0x9A
	QoSNotSupported                     ReasonCode = 0x9B
	UseAnotherServer                    ReasonCode = 0x9C
	ServerMoved                         ReasonCode = 0x9D
	SharedSubscriptionsNotSupported     ReasonCode = 0x9E
	ConnectionRateExceeded              ReasonCode = 0x9F
	MaximumConnectTime                  ReasonCode = 0xA0
	SubscriptionIdentifiersNotSupported ReasonCode = 0xA1
	WildcardSubscriptionsNotSupported   ReasonCode = 0xA2
)

// codeInfo is one row of 5.0 Table 2-6: the code's name and, as bit t for
// packet type t, the packets that may carry it.
type codeInfo struct {
	name string
	in   uint16
}

const (
	inAcks   = 1<<PUBACK | 1<<PUBREC
	inFail   = 1<<CONNACK | inAcks | 1<<SUBACK | 1<<UNSUBACK | 1<<DISCONNECT
	inRefuse = 1<<CONNACK | 1<<DISCONNECT
)

// reasonCodes is the catalogue, indexed by code. Table 2-6 lists 0x8C for
// DISCONNECT though Table 3-10 does not; the decoder accepts it.
var reasonCodes = [...]codeInfo{
	0x00: {"Success", 1<<CONNACK | inAcks | 1<<PUBREL | 1<<PUBCOMP | 1<<SUBACK | 1<<UNSUBACK | 1<<DISCONNECT | 1<<AUTH},
	0x01: {"Granted QoS 1", 1 << SUBACK},
	0x02: {"Granted QoS 2", 1 << SUBACK},
	0x04: {"Disconnect with Will Message", 1 << DISCONNECT},
	0x10: {"No matching subscribers", inAcks},
	0x11: {"No subscription existed", 1 << UNSUBACK},
	0x18: {"Continue authentication", 1 << AUTH},
	0x19: {"Re-authenticate", 1 << AUTH},
	0x80: {"Unspecified error", inFail},
	0x81: {"Malformed Packet", inRefuse},
	0x82: {"Protocol Error", inRefuse},
	0x83: {"Implementation specific error", inFail},
	0x84: {"Unsupported Protocol Version", 1 << CONNACK},
	0x85: {"Client Identifier not valid", 1 << CONNACK},
	0x86: {"Bad User Name or Password", 1 << CONNACK},
	0x87: {"Not authorized", inFail},
	0x88: {"Server unavailable", 1 << CONNACK},
	0x89: {"Server busy", inRefuse},
	0x8A: {"Banned", 1 << CONNACK},
	0x8B: {"Server shutting down", 1 << DISCONNECT},
	0x8C: {"Bad authentication method", inRefuse},
	0x8D: {"Keep Alive timeout", 1 << DISCONNECT},
	0x8E: {"Session taken over", 1 << DISCONNECT},
	0x8F: {"Topic Filter invalid", 1<<SUBACK | 1<<UNSUBACK | 1<<DISCONNECT},
	0x90: {"Topic Name invalid", inRefuse | inAcks},
	0x91: {"Packet Identifier in use", inAcks | 1<<SUBACK | 1<<UNSUBACK},
	0x92: {"Packet Identifier not found", 1<<PUBREL | 1<<PUBCOMP},
	0x93: {"Receive Maximum exceeded", 1 << DISCONNECT},
	0x94: {"Topic Alias invalid", 1 << DISCONNECT},
	0x95: {"Packet too large", inRefuse},
	0x96: {"Message rate too high", 1 << DISCONNECT},
	0x97: {"Quota exceeded", inRefuse | inAcks | 1<<SUBACK},
	0x98: {"Administrative action", 1 << DISCONNECT},
	0x99: {"Payload format invalid", inRefuse | inAcks},
	0x9A: {"Retain not supported", inRefuse},
	0x9B: {"QoS not supported", inRefuse},
	0x9C: {"Use another server", inRefuse},
	0x9D: {"Server moved", inRefuse},
	0x9E: {"Shared Subscriptions not supported", 1<<SUBACK | 1<<DISCONNECT},
	0x9F: {"Connection rate exceeded", inRefuse},
	0xA0: {"Maximum connect time", 1 << DISCONNECT},
	0xA1: {"Subscription Identifiers not supported", 1<<SUBACK | 1<<DISCONNECT},
	0xA2: {"Wildcard Subscriptions not supported", 1<<SUBACK | 1<<DISCONNECT},
}

func (c ReasonCode) info() codeInfo {
	if int(c) < len(reasonCodes) {
		return reasonCodes[c]
	}
	return codeInfo{}
}

// Error returns the code's name from 5.0 Table 2-6, such as "Malformed
// Packet", or "reason code 0x.." for a value the table does not define.
func (c ReasonCode) Error() string {
	if name := c.info().name; name != "" {
		return name
	}
	return fmt.Sprintf("reason code 0x%02X", byte(c))
}

// String is the same as Error.
func (c ReasonCode) String() string { return c.Error() }

// NameIn returns the code's name as packet type t uses it: 0x00 is
// "Normal disconnection" in DISCONNECT and "Granted QoS 0" in SUBACK.
func (c ReasonCode) NameIn(t Type) string {
	if c == 0 {
		switch t {
		case DISCONNECT:
			return "Normal disconnection"
		case SUBACK:
			return "Granted QoS 0"
		}
	}
	return c.Error()
}

// IsFailure reports whether c reports a failure (0x80 or above).
func (c ReasonCode) IsFailure() bool { return c >= 0x80 }

// ValidIn reports whether the sender of packet type t may use c there
// (5.0 Table 2-6; e.g. [MQTT-3.4.2-1] for PUBACK).
func (c ReasonCode) ValidIn(t Type) bool {
	return t < 16 && c.info().in&(1<<t) != 0
}

// connackV3 maps a reason code to the MQTT 3.1.1 CONNACK return code that
// means the same (3.1.1 Table 3.1). Failures without a 3.1.1 counterpart
// become 0x03 (Server unavailable), authorization failures 0x05.
func connackV3(c ReasonCode) byte {
	switch c {
	case Success:
		return 0x00
	case UnsupportedProtocolVersion:
		return 0x01
	case ClientIdentifierNotValid:
		return 0x02
	case BadUserNameOrPassword, BadAuthenticationMethod:
		return 0x04
	case NotAuthorized, Banned:
		return 0x05
	}
	return 0x03
}

// connackFromV3 is the inverse of connackV3 on the six 3.1.1 return codes;
// ok is false for the reserved values 6 to 255.
func connackFromV3(b byte) (c ReasonCode, ok bool) {
	codes := [...]ReasonCode{Success, UnsupportedProtocolVersion, ClientIdentifierNotValid,
		ServerUnavailable, BadUserNameOrPassword, NotAuthorized}
	if int(b) < len(codes) {
		return codes[b], true
	}
	return 0, false
}

// subackV3 maps a SUBACK reason code to 3.1.1, which knows only the
// granted QoS levels and 0x80 Failure (3.1.1 §3.9.3).
func subackV3(c ReasonCode) byte {
	if c <= GrantedQoS2 {
		return byte(c)
	}
	return 0x80
}
