package packet

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// cursor reads the data types of 5.0 §1.5 (3.1.1 §1.5) from a packet body,
// front to back. Running out of bytes, or a string that is not a valid
// UTF-8 Encoded String, is a Malformed Packet. what names the field being
// read, for the error message.
type cursor struct {
	b []byte
	t Type
}

func (c *cursor) short(what string, need int) error {
	return malformed(c.t, "%s: need %d bytes, %d left", what, need, len(c.b))
}

func (c *cursor) byte(what string) (byte, error) {
	if len(c.b) < 1 {
		return 0, c.short(what, 1)
	}
	v := c.b[0]
	c.b = c.b[1:]
	return v, nil
}

func (c *cursor) uint16(what string) (uint16, error) {
	if len(c.b) < 2 {
		return 0, c.short(what, 2)
	}
	v := binary.BigEndian.Uint16(c.b)
	c.b = c.b[2:]
	return v, nil
}

func (c *cursor) uint32(what string) (uint32, error) {
	if len(c.b) < 4 {
		return 0, c.short(what, 4)
	}
	v := binary.BigEndian.Uint32(c.b)
	c.b = c.b[4:]
	return v, nil
}

func (c *cursor) varint(what string) (int, error) {
	v, n, err := uvarint(c.b)
	if err != nil {
		return 0, malformed(c.t, "%s: variable byte integer %v", what, err)
	}
	c.b = c.b[n:]
	return v, nil
}

// binary reads Binary Data: a Two Byte Integer length and that many bytes,
// aliasing the body. An empty field reads as nil.
func (c *cursor) binary(what string) ([]byte, error) {
	if len(c.b) < 2 {
		return nil, malformed(c.t, "%s: need a 2-byte length, %d bytes left", what, len(c.b))
	}
	n := binary.BigEndian.Uint16(c.b)
	c.b = c.b[2:]
	if int(n) > len(c.b) {
		return nil, malformed(c.t, "%s: length %d exceeds the %d bytes left", what, n, len(c.b))
	}
	v := c.b[:n:n]
	c.b = c.b[n:]
	if n == 0 {
		return nil, nil
	}
	return v, nil
}

// text reads a UTF-8 Encoded String without copying it.
func (c *cursor) text(what string) ([]byte, error) {
	v, err := c.binary(what)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(v); err != "" {
		return nil, malformed(c.t, "%s %s", what, err)
	}
	return v, nil
}

// string reads a UTF-8 Encoded String into a new string.
func (c *cursor) string(what string) (string, error) {
	v, err := c.text(what)
	return string(v), err
}

// end fails unless the body has been read to its last byte.
func (c *cursor) end() error {
	if len(c.b) != 0 {
		return malformed(c.t, "%d unexpected bytes after the packet's last field", len(c.b))
	}
	return nil
}

// checkUTF8 returns what is wrong with s as a UTF-8 Encoded String, or "":
// it must be well-formed UTF-8, surrogates excluded, and must not contain
// U+0000 ([MQTT-1.5.4-1], [MQTT-1.5.4-2]; 3.1.1 [MQTT-1.5.3-1/2]).
// Control characters and non-characters are allowed: the receiver may
// reject them but need not [MQTT-1.5.4-3].
func checkUTF8(s []byte) string {
	if !utf8.Valid(s) {
		return "is not well-formed UTF-8 [MQTT-1.5.4-1]"
	}
	if bytes.IndexByte(s, 0) >= 0 {
		return "contains U+0000 [MQTT-1.5.4-2]"
	}
	return ""
}

// hasWildcard reports whether a Topic Name contains a wildcard character,
// which no Topic Name may [MQTT-4.7.0-1].
func hasWildcard(s []byte) bool {
	return bytes.IndexByte(s, '+') >= 0 || bytes.IndexByte(s, '#') >= 0
}

func appendUint16(dst []byte, v uint16) []byte {
	return append(dst, byte(v>>8), byte(v))
}

func appendUint32(dst []byte, v uint32) []byte {
	return append(dst, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// appendString appends s with its Two Byte Integer length. A longer s has
// no wire form; writing a corrupt packet instead would desynchronise the
// peer, so it panics.
func appendString(dst []byte, s string) []byte {
	if len(s) > maxString {
		panic("packet: string or binary field longer than 65535 bytes")
	}
	return append(appendUint16(dst, uint16(len(s))), s...)
}

// appendBinary is appendString for Binary Data.
func appendBinary(dst []byte, b []byte) []byte {
	if len(b) > maxString {
		panic("packet: string or binary field longer than 65535 bytes")
	}
	return append(appendUint16(dst, uint16(len(b))), b...)
}

// appendHeader appends a fixed header; it first grows dst so that the
// whole packet fits, so encoding allocates at most once.
func appendHeader(dst []byte, t Type, flags byte, remaining int) []byte {
	if n := 1 + varintLen(remaining) + remaining; cap(dst)-len(dst) < n {
		grown := make([]byte, len(dst), len(dst)+n)
		copy(grown, dst)
		dst = grown
	}
	return appendVarint(append(dst, byte(t)<<4|flags), remaining)
}

// packetSize returns the size of a packet whose Remaining Length is n.
func packetSize(n int) int { return 1 + varintLen(n) + n }
