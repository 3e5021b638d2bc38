package packet

import "strconv"

// Type is an MQTT Control Packet type: the high four bits of a packet's
// first byte (5.0 §2.1.2, 3.1.1 §2.2.1).
type Type byte

// The fifteen packet types. AUTH exists only in MQTT 5; in 3.1.1 its value
// is reserved.
const (
	CONNECT Type = 1 + iota
	CONNACK
	PUBLISH
	PUBACK
	PUBREC
	PUBREL
	PUBCOMP
	SUBSCRIBE
	SUBACK
	UNSUBSCRIBE
	UNSUBACK
	PINGREQ
	PINGRESP
	DISCONNECT
	AUTH
)

var typeNames = [16]string{"reserved type 0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK",
	"PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK",
	"PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"}

// String returns the packet type's name as the specification spells it.
func (t Type) String() string {
	if t < 16 {
		return typeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}

// requiredFlags is the value the low four bits of the first byte must have
// for every type but PUBLISH, whose bits carry DUP, QoS and RETAIN
// (5.0 §2.1.3 [MQTT-2.1.3-1], 3.1.1 [MQTT-2.2.2-1]).
func (t Type) requiredFlags() byte {
	switch t {
	case PUBREL, SUBSCRIBE, UNSUBSCRIBE:
		return 0x2
	}
	return 0
}

// Version is the Protocol Level a client sends in CONNECT. A connection
// speaks one version from CONNECT on, and every packet after CONNECT is
// decoded and encoded for it.
type Version byte

// The protocol levels hob speaks.
const (
	V311 Version = 4 // MQTT 3.1.1
	V5   Version = 5 // MQTT 5.0
)

// String returns "3.1.1", "5.0", or the raw level.
func (v Version) String() string {
	switch v {
	case V311:
		return "3.1.1"
	case V5:
		return "5.0"
	}
	return "level " + strconv.Itoa(int(v))
}

// QoS is a Quality of Service level, 0 to 2; 3 is never valid on the wire.
type QoS byte

// The three QoS levels.
const (
	QoS0 QoS = iota // at most once
	QoS1            // at least once
	QoS2            // exactly once
)

// Wire limits (5.0 §1.5.5, §2.1.4).
const (
	// MaxRemainingLength is the largest value a four-byte Variable Byte
	// Integer can hold, and so the largest Remaining Length.
	MaxRemainingLength = 268_435_455
	// MaxPacketSize is the largest packet the protocol can express: one
	// type byte, four length bytes and MaxRemainingLength bytes.
	MaxPacketSize = 1 + 4 + MaxRemainingLength
	// maxString is the longest UTF-8 string or binary field: its length is
	// a Two Byte Integer.
	maxString = 65_535
)

// FixedHeader is the part every packet starts with: its type, the four
// flag bits, and the Remaining Length, the number of bytes that follow.
type FixedHeader struct {
	Type      Type
	Flags     byte // the low four bits of the first byte
	Remaining int  // Remaining Length: variable header plus payload
}

// Size returns the whole packet's size in bytes, fixed header included:
// what MQTT 5's Maximum Packet Size limits (5.0 §3.1.2.11.4).
func (h FixedHeader) Size() int {
	return 1 + varintLen(h.Remaining) + h.Remaining
}

// Packet is one decoded MQTT Control Packet. The concrete types are
// *Connect, *Connack, *Publish, *Ack (PUBACK, PUBREC, PUBREL, PUBCOMP),
// *Subscribe, *Suback, *Unsubscribe, *Unsuback, *Pingreq, *Pingresp,
// *Disconnect and *Auth.
type Packet interface {
	// Type returns the packet's type.
	Type() Type
	// Size returns the number of bytes AppendTo appends for v.
	Size(v Version) int
	// AppendTo appends the packet's wire form for v to dst and returns the
	// extended slice. It grows dst at most once and allocates nothing when
	// dst has room. The packet must be valid for v: strings and binary
	// fields at most 65,535 bytes, a Remaining Length within
	// MaxRemainingLength; AppendTo panics on an over-long string rather
	// than write a corrupt packet.
	AppendTo(dst []byte, v Version) []byte
	// Decode replaces the packet's fields with those decoded from body, the
	// Remaining Length bytes that follow header h, as protocol version v
	// defines them. Slices in the packet alias body. On failure the
	// packet's fields are unspecified and the error is an *Error.
	Decode(h FixedHeader, body []byte, v Version) error
}
