package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// flushBytes is how much a flooding publisher gathers before a write.
const flushBytes = 16 << 10

// queuedMark fills a slot whose message is queued but not yet written.
const queuedMark = -1

// queued is a message in the write buffer: where its send time goes, and
// its slot (-1 at QoS 0).
type queued struct {
	at, slot int
}

// errStopped ends a publisher's loop when its time is up.
var errStopped = errors.New("stopped")

// publisher sends stamped messages on one connection. Two goroutines
// share it: the publishing goroutine, which owns the fields so marked,
// and the connection's reader, which handles PUBACKs (puback) and owns
// ackHist. At QoS 1 they meet in slots, one per Packet Identifier: the
// publisher marks a slot queued, then stores the send time when it writes
// the message; the reader frees it with a compare-and-swap on a PUBACK,
// and tells the publisher on freed. The counters feed the progress line.
type publisher struct {
	c        *conn
	index    uint32
	interval time.Duration // between messages when paced; 0 = flood
	pkt      packet.Publish

	sent   atomic.Uint64
	acked  atomic.Uint64
	failed atomic.Uint64 // PUBACKs with a failure Reason Code (5.0)
	stray  atomic.Uint64 // PUBACKs for no message in flight

	slots   []atomic.Int64 // QoS 1: 0 free, queuedMark, or the send time
	freed   chan struct{}  // QoS 1: one token per slot the reader freed
	ackHist Histogram      // owned by the reader: PUBLISH to PUBACK

	// owned by the publishing goroutine
	seq      uint64
	inflight int      // slots taken and not yet seen freed
	buf      []byte   // messages not yet written
	queued   []queued // one per message in buf
}

// newPublisher prepares publisher index on c: a payload of size bytes
// to topic at qos, a window of at most window unacknowledged messages.
func newPublisher(c *conn, index int, topic string, qos packet.QoS, size, window int, interval time.Duration) (*publisher, error) {
	p := &publisher{c: c, index: uint32(index), interval: interval}
	p.pkt = packet.Publish{QoS: qos, Topic: topic, Payload: make([]byte, size)}
	if qos > 0 {
		p.pkt.PacketID = 1
		window = min(window, c.receiveMax)
		p.slots = make([]atomic.Int64, window)
		p.freed = make(chan struct{}, window)
	}
	if c.max > 0 && p.pkt.Size(c.v) > c.max {
		return nil, fmt.Errorf("%s: a %d-byte PUBLISH exceeds the broker's Maximum Packet Size %d", c.id, p.pkt.Size(c.v), c.max)
	}
	p.buf = make([]byte, 0, flushBytes+p.pkt.Size(c.v))
	p.queued = make([]queued, 0, flushBytes/stampSize+1)
	return p, nil
}

// run publishes until ctx ends, paced or as fast as the connection
// takes them, then waits up to drain for outstanding PUBACKs.
func (p *publisher) run(ctx context.Context, start time.Time, dead <-chan struct{}, drain time.Duration) error {
	err := p.loop(ctx, start, dead)
	if errors.Is(err, errStopped) {
		err = nil
	}
	if ferr := p.flush(); err == nil {
		err = ferr
	}
	if err == nil {
		p.waitAcks(dead, drain)
	}
	return err
}

// loop publishes one message after another until ctx ends.
func (p *publisher) loop(ctx context.Context, start time.Time, dead <-chan struct{}) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	due := start
	for {
		select {
		case <-ctx.Done():
			return errStopped
		default:
		}
		if p.interval > 0 {
			if err := p.pace(ctx, timer, due); err != nil {
				return err
			}
			due = due.Add(p.interval)
		}
		if err := p.publishOne(ctx, dead); err != nil {
			return err
		}
	}
}

// pace waits until due, writing what is queued first. A publisher that
// fell behind does not wait, and catches up.
func (p *publisher) pace(ctx context.Context, timer *time.Timer, due time.Time) error {
	wait := time.Until(due)
	if wait <= 0 {
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	timer.Reset(wait)
	select {
	case <-ctx.Done():
		return errStopped
	case <-timer.C:
		return nil
	}
}

// publishOne queues the next message, waiting for a free Packet
// Identifier at QoS 1. Its send time is filled in by flush.
func (p *publisher) publishOne(ctx context.Context, dead <-chan struct{}) error {
	slot := -1
	if p.slots != nil {
		slot = int(p.seq % uint64(len(p.slots)))
		if err := p.waitSlot(ctx, dead, slot); err != nil {
			return err
		}
		p.pkt.PacketID = uint16(slot + 1)
	}
	putStamp(p.pkt.Payload, stamp{pub: p.index, seq: p.seq})
	p.buf = p.pkt.AppendTo(p.buf, p.c.v)
	p.queued = append(p.queued, queued{at: len(p.buf) - len(p.pkt.Payload) + stampTimeAt, slot: slot})
	p.seq++
	p.sent.Add(1)
	if slot >= 0 {
		p.slots[slot].Store(queuedMark)
		p.inflight++
		p.takeAcks()
	}
	if len(p.buf) >= flushBytes {
		return p.flush()
	}
	return nil
}

// flush stamps the queued messages with the time, one clock reading for
// all, and writes them.
func (p *publisher) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	now := time.Now().UnixNano()
	for _, q := range p.queued {
		putStampTime(p.buf[q.at:], now)
		if q.slot >= 0 {
			p.slots[q.slot].Store(now)
		}
	}
	p.queued = p.queued[:0]
	err := p.c.write(p.buf)
	p.buf = p.buf[:0]
	return err
}
