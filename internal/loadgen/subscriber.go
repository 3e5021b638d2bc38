package loadgen

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// ackFlushBytes is how many bytes of PUBACKs a subscriber gathers at
// most before writing them.
const ackFlushBytes = 4 << 10

// latencyShard is a latency histogram shared by some subscribers, so
// that thousands of subscribers need not hold one each.
type latencyShard struct {
	mu sync.Mutex // guards h
	h  Histogram
}

// record adds one latency.
func (s *latencyShard) record(d time.Duration) {
	s.mu.Lock()
	s.h.Record(d)
	s.mu.Unlock()
}

// subscriber receives messages on one connection. Its fields other than
// received belong to the connection's reader goroutine until it ends.
type subscriber struct {
	c        *conn
	filter   string
	shard    *latencyShard
	received atomic.Uint64 // every PUBLISH, read by the progress line

	seq  sequences
	acks []byte // PUBACKs not yet written
}

// publish accounts for one message and acknowledges it at QoS 1. The
// message arrived when the read that completed it returned. PUBACKs are
// gathered while more input is buffered and written when the reader would
// wait, so a burst costs one write.
func (s *subscriber) publish(p *packet.Publish) error {
	now := s.c.in.last
	s.received.Add(1)
	if st, ok := readStamp(p.Payload); ok {
		s.shard.record(time.Duration(now - st.sent))
		s.seq.see(st)
	} else {
		s.seq.foreign++
	}
	if p.QoS == 0 {
		return nil
	}
	a := packet.Ack{Kind: packet.PUBACK, PacketID: p.PacketID}
	s.acks = a.AppendTo(s.acks, s.c.v)
	if s.c.br.Buffered() > 0 && len(s.acks) < ackFlushBytes {
		return nil
	}
	err := s.c.write(s.acks)
	s.acks = s.acks[:0]
	return err
}

// puback is a protocol error for a subscriber: it publishes nothing.
func (s *subscriber) puback(id uint16, code packet.ReasonCode) error {
	return idleReceiver{}.puback(id, code)
}

var _ receiver = (*subscriber)(nil)
