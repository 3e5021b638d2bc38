package packet

import "fmt"

// Error is a decoding failure: the packet broke a rule of the
// specification. Code is the Reason Code the receiver must answer with,
// in CONNACK for a CONNECT and in DISCONNECT otherwise (5.0 §4.13):
// MalformedPacket when the bytes cannot be parsed as the packet,
// ProtocolError when they parse but break a rule, and for CONNECT also
// UnsupportedProtocolVersion or ClientIdentifierNotValid. MQTT 3.1.1 has
// no DISCONNECT reason: there the server closes the connection, answering
// only the two CONNECT failures 3.1.1 defines CONNACK codes for.
//
// errors.Is(err, MalformedPacket) and errors.As(err, &code) see Code.
type Error struct {
	Code ReasonCode
	// Packet is the type of the packet at fault (0 when the first byte
	// names no type).
	Packet Type
	// Version is the protocol version to answer in: the level the
	// connection speaks, or for a CONNECT with an unsupported level, V311,
	// whose two-byte CONNACK older clients also read [MQTT-3.1.2-2].
	Version Version
	// Reason says what is wrong, citing the rule where there is one.
	Reason string
}

// Error returns "PACKET: reason (Code name)".
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (%s)", e.Packet, e.Reason, e.Code)
}

// Unwrap returns the Reason Code.
func (e *Error) Unwrap() error { return e.Code }

// errorf returns an *Error with code for packet t; Version is filled in by
// DecodeBody.
func errorf(code ReasonCode, t Type, format string, args ...any) *Error {
	return &Error{Code: code, Packet: t, Reason: fmt.Sprintf(format, args...)}
}

func malformed(t Type, format string, args ...any) *Error {
	return errorf(MalformedPacket, t, format, args...)
}

func protocolError(t Type, format string, args ...any) *Error {
	return errorf(ProtocolError, t, format, args...)
}
