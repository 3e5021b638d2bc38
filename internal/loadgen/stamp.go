package loadgen

import "encoding/binary"

// A stamp is the header hob bench writes at the start of every payload,
// so that a subscriber can count losses and measure latency without
// talking to the publisher: a magic number, the publisher's index, the
// message's sequence number within that publisher (from 0), and the wall
// clock just before the write that carried it to the socket, in Unix
// nanoseconds.
// Wall time rather than a monotonic clock lets a `sub` run measure
// messages from a `pub` run in another process on the same machine. The
// rest of the payload is filler.
//
//	0  magic "hb01" (4 bytes)
//	4  publisher index, big-endian uint32
//	8  sequence number, big-endian uint64
//	16 send time, big-endian int64 Unix nanoseconds
const stampSize = 24

// stampTimeAt is the offset of the send time within the stamp.
const stampTimeAt = 16

// stampMagic marks a payload written by hob bench.
var stampMagic = [4]byte{'h', 'b', '0', '1'}

// stamp is the decoded header of a payload.
type stamp struct {
	pub  uint32
	seq  uint64
	sent int64
}

// putStamp writes s into the first stampSize bytes of b, which must be
// at least that long.
func putStamp(b []byte, s stamp) {
	copy(b, stampMagic[:])
	binary.BigEndian.PutUint32(b[4:], s.pub)
	binary.BigEndian.PutUint64(b[8:], s.seq)
	putStampTime(b[stampTimeAt:], s.sent)
}

// putStampTime writes a send time where b starts.
func putStampTime(b []byte, sent int64) {
	binary.BigEndian.PutUint64(b, uint64(sent))
}

// readStamp decodes the header of b; ok is false for a payload that hob
// bench did not write (too short, or without the magic number).
func readStamp(b []byte) (s stamp, ok bool) {
	if len(b) < stampSize || [4]byte(b[:4]) != stampMagic {
		return stamp{}, false
	}
	s.pub = binary.BigEndian.Uint32(b[4:])
	s.seq = binary.BigEndian.Uint64(b[8:])
	s.sent = int64(binary.BigEndian.Uint64(b[stampTimeAt:]))
	return s, true
}
