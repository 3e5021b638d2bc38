package packet

import (
	"bufio"
	"io"
)

// Reader reads MQTT packets from a byte stream, such as a network
// connection. It enforces a maximum packet size before it reads a body,
// so a peer cannot make it allocate more than that.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	br  *bufio.Reader
	max int
}

// NewReader returns a Reader of r that accepts packets of at most
// maxPacketSize bytes, fixed header included (what 5.0's Maximum Packet
// Size counts); 0 or less means MaxPacketSize. If r is a *bufio.Reader it
// is used as it is, otherwise it is wrapped in one.
func NewReader(r io.Reader, maxPacketSize int) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	rd := &Reader{br: br}
	rd.SetMaxPacketSize(maxPacketSize)
	return rd
}

// Reset makes the Reader read from br from now on, keeping its maximum
// packet size: a connection that parks while idle gives its buffered
// reader back to a pool and takes another when it resumes. br must hold
// no bytes of a packet the Reader has begun.
func (r *Reader) Reset(br *bufio.Reader) { r.br = br }

// SetMaxPacketSize changes the largest packet the Reader accepts, as
// NewReader's argument does.
func (r *Reader) SetMaxPacketSize(n int) {
	if n <= 0 || n > MaxPacketSize {
		n = MaxPacketSize
	}
	r.max = n
}

// ReadHeader reads the next packet's fixed header and checks it as
// ParseHeader does. A packet larger than the maximum fails with Code
// PacketTooLarge and its body unread: the connection must then be closed,
// after a DISCONNECT 0x95 in 5.0 (§3.1.2.11.4). A stream that ends before
// the first byte returns io.EOF, within the header io.ErrUnexpectedEOF;
// other read errors are returned as they are.
func (r *Reader) ReadHeader() (FixedHeader, error) {
	first, err := r.br.ReadByte()
	if err != nil {
		return FixedHeader{}, err
	}
	remaining, err := readVarint(r.br)
	switch err {
	case nil, errVarintLong, errVarintPadded:
	case errVarintShort:
		return FixedHeader{}, io.ErrUnexpectedEOF
	default:
		return FixedHeader{}, err
	}
	return checkHeader(first, remaining, err, r.max)
}

// ReadBody reads the h.Remaining bytes of the packet whose header
// ReadHeader just returned, into buf's backing array when it has room and
// into a new array otherwise, and returns them. The caller owns the
// result: passing the same buf to every call reuses one buffer, and a
// packet whose slices must outlive the next read needs a fresh one.
func (r *Reader) ReadBody(h FixedHeader, buf []byte) ([]byte, error) {
	if cap(buf) < h.Remaining {
		buf = make([]byte, h.Remaining)
	}
	buf = buf[:h.Remaining]
	if _, err := io.ReadFull(r.br, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// ReadPacket reads and decodes the next packet as version v (see
// DecodeBody). The packet has a body of its own, so it stays valid
// after later reads. On the hot path, ReadHeader, ReadBody with a reused
// buffer and (*Publish).Decode into a reused Publish allocate nothing.
func (r *Reader) ReadPacket(v Version) (Packet, error) {
	h, err := r.ReadHeader()
	if err != nil {
		return nil, withVersion(err, v)
	}
	body, err := r.ReadBody(h, nil)
	if err != nil {
		return nil, err
	}
	return DecodeBody(h, body, v)
}
