package packet

import (
	"errors"
	"io"
)

// newPacket returns an empty packet of type t; ok is false for a type
// version v does not have: 0, and AUTH before 5.0.
func newPacket(t Type, v Version) (p Packet, ok bool) {
	switch t {
	case CONNECT:
		return new(Connect), true
	case CONNACK:
		return new(Connack), true
	case PUBLISH:
		return new(Publish), true
	case PUBACK, PUBREC, PUBREL, PUBCOMP:
		return &Ack{Kind: t}, true
	case SUBSCRIBE:
		return new(Subscribe), true
	case SUBACK:
		return new(Suback), true
	case UNSUBSCRIBE:
		return new(Unsubscribe), true
	case UNSUBACK:
		return new(Unsuback), true
	case PINGREQ:
		return new(Pingreq), true
	case PINGRESP:
		return new(Pingresp), true
	case DISCONNECT:
		return new(Disconnect), true
	case AUTH:
		return new(Auth), v == V5
	}
	return nil, false
}

// DecodeBody decodes the body of a packet whose fixed header is h, as
// version v defines it (any v but V5 means 3.1.1; a CONNECT states its
// own). The packet's slices alias body. Every error is an *Error.
func DecodeBody(h FixedHeader, body []byte, v Version) (Packet, error) {
	p, ok := newPacket(h.Type, v)
	if !ok {
		return nil, withVersion(malformed(h.Type, "packet type %d is reserved in MQTT %s (§2.1.2)", h.Type, v), v)
	}
	if err := p.Decode(h, body, v); err != nil {
		return nil, withVersion(err, v)
	}
	return p, nil
}

// withVersion fills in the version an *Error must be answered in, unless
// the decoder (CONNECT's) already has.
func withVersion(err error, v Version) error {
	var e *Error
	if errors.As(err, &e) && e.Version == 0 {
		e.Version = v
	}
	return err
}

// Decode decodes the packet at the start of b as version v and returns it
// with the number of bytes it took. The packet's slices alias b. If b
// ends before the packet does, Decode returns io.ErrUnexpectedEOF; every
// other error is an *Error. Decode does not limit the packet's size:
// with bytes from the network, check ParseHeader's result first.
func Decode(b []byte, v Version) (Packet, int, error) {
	h, n, err := ParseHeader(b, 0)
	if err != nil {
		return nil, 0, withVersion(err, v)
	}
	end := n + h.Remaining
	if end > len(b) {
		return nil, 0, io.ErrUnexpectedEOF
	}
	p, err := DecodeBody(h, b[n:end:end], v)
	return p, end, err
}

// ParseHeader parses the fixed header at the start of b and returns it
// with its length in bytes. It checks what can be checked before the body
// arrives: the packet type and flag bits, the Remaining Length, and,
// when maxPacketSize > 0, the packet's size (see Reader). If b ends
// within the header it returns io.ErrUnexpectedEOF.
func ParseHeader(b []byte, maxPacketSize int) (FixedHeader, int, error) {
	if len(b) == 0 {
		return FixedHeader{}, 0, io.ErrUnexpectedEOF
	}
	remaining, n, err := uvarint(b[1:])
	if err == errVarintShort {
		return FixedHeader{}, 0, io.ErrUnexpectedEOF
	}
	h, err := checkHeader(b[0], remaining, err, maxPacketSize)
	return h, 1 + n, err
}

// checkHeader builds the fixed header from its first byte and Remaining
// Length and applies the fixed-header rules: type 0 is reserved; a
// PUBLISH has QoS 0 to 2 [MQTT-3.3.1-4]; every other type has the flag
// bits Table 2-2 fixes [MQTT-2.1.3-1] (3.1.1 [MQTT-2.2.2-2]); and the
// packet is no larger than max when max > 0 (5.0 §3.2.2.3.6).
func checkHeader(first byte, remaining int, lengthErr error, max int) (FixedHeader, error) {
	h := FixedHeader{Type: Type(first >> 4), Flags: first & 0x0F, Remaining: remaining}
	switch {
	case h.Type == 0:
		return h, malformed(0, "packet type 0 is reserved (§2.1.2)")
	case h.Type == PUBLISH && h.Flags&0x06 == 0x06:
		return h, malformed(PUBLISH, "QoS 3 [MQTT-3.3.1-4]")
	case h.Type != PUBLISH && h.Flags != h.Type.requiredFlags():
		return h, malformed(h.Type, "fixed header flags 0x%X, must be 0x%X [MQTT-2.1.3-1]", h.Flags, h.Type.requiredFlags())
	case lengthErr != nil:
		return h, malformed(h.Type, "Remaining Length %v", lengthErr)
	case max > 0 && h.Size() > max:
		return h, errorf(PacketTooLarge, h.Type, "packet of %d bytes exceeds the maximum of %d", h.Size(), max)
	}
	return h, nil
}
