package broker

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// outKind says what an outItem carries.
type outKind uint8

const (
	outPublish  outKind = iota // an application message: msg, qos, retain, dup, id, ids
	outAck                     // PUBACK, PUBREC, PUBREL or PUBCOMP: ack, id, rc
	outPingresp                // PINGRESP
	outPacket                  // any other packet, built by the sender: pkt
)

// outItem is one packet waiting for a connection's writer. Publishes and
// acknowledgements are kept as fields, not as packets, so queueing them
// allocates nothing; the writer encodes them.
type outItem struct {
	kind   outKind
	qos    packet.QoS
	retain bool
	dup    bool
	ack    packet.Type
	rc     packet.ReasonCode
	id     uint16
	msg    *Message
	ids    []uint32 // subscription identifiers (MQTT 5)
	pkt    packet.Packet
}

// pushResult is what outbox.push did with an item.
type pushResult uint8

const (
	pushed   pushResult = iota
	dropped             // a droppable item met a full queue
	overflow            // even the hard bound was reached: close the connection
	closed              // the connection is closing; nothing more is sent
)

// outbox is a connection's bounded outbound queue. Any goroutine pushes;
// the connection's writer takes everything queued at once (take) and
// writes it with no lock held. Items that may be dropped (QoS 0
// messages) respect soft; the others (acknowledgements, QoS 1 messages
// within the in-flight window, control packets) are refused only past
// hard, which a client reaches only by not reading what it asked for.
type outbox struct {
	mu     sync.Mutex
	items  []outItem // guarded by mu
	closed bool      // guarded by mu: no more pushes; the writer drains and exits
	soft   int
	hard   int
	wake   chan struct{} // capacity 1: something was pushed, or the box closed
	// room, guarded by mu, is made by a pushWait that finds the box full
	// and closed (then cleared) by the next take or close: it wakes every
	// publisher waiting for room. stalled, guarded by mu, is set when such
	// a wait ran out with no take meanwhile, and cleared by take: until
	// the writer takes again, pushWait drops at once. takes, guarded by
	// mu, counts takes.
	room    chan struct{}
	stalled bool
	takes   uint64
	// spawn, when set, starts a writer goroutine: the box then runs its
	// writer only while there is something to write. idle, guarded by mu,
	// says no writer runs (the next push or close spawns one); retire,
	// changed under mu but read by the writer without it, asks the
	// running writer to exit once the box is empty (see retireIfIdle and
	// finishIfEmpty).
	spawn  func()
	idle   bool
	retire atomic.Bool
}

func newOutbox(soft, hard int) outbox {
	return outbox{soft: soft, hard: hard, wake: make(chan struct{}, 1)}
}

// push queues it. droppable items are refused once soft items wait.
func (o *outbox) push(it outItem, droppable bool) pushResult {
	o.mu.Lock()
	switch n := len(o.items); {
	case o.closed:
		o.mu.Unlock()
		return closed
	case droppable && n >= o.soft:
		o.mu.Unlock()
		return dropped
	case n >= o.hard:
		o.mu.Unlock()
		return overflow
	}
	o.items = append(o.items, it)
	o.wakeWriterUnlock()
	return pushed
}

// wakeWriterUnlock releases mu, held by the caller, and wakes the
// writer, first spawning one if none runs.
func (o *outbox) wakeWriterUnlock() {
	start := o.idle
	o.idle = false
	o.mu.Unlock()
	if start {
		o.spawn()
		return
	}
	o.signal()
}

// retireIfIdle is called by the idle scan with the box's take count as
// it last saw it (kept by the caller). When the writer has taken nothing
// since and nothing waits, it asks the writer to exit and wakes it.
func (o *outbox) retireIfIdle(seen *uint64) {
	o.mu.Lock()
	if o.spawn == nil || o.idle || o.closed || o.takes != *seen || len(o.items) > 0 {
		*seen = o.takes
		o.mu.Unlock()
		return
	}
	o.retire.Store(true)
	o.mu.Unlock()
	o.signal()
}

// finishIfEmpty is called by the writer after a drain: when retiring was
// asked for and the box is still empty and open, the box becomes idle
// (the next push spawns a new writer), drops a large queue buffer, and
// the writer must exit; release runs first, while no other writer can
// start, to drop what the writer keeps.
func (o *outbox) finishIfEmpty(release func()) bool {
	if !o.retire.Load() {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retire.Store(false)
	if len(o.items) > 0 || o.closed {
		return false
	}
	release()
	o.idle = true
	if cap(o.items) > 64 {
		o.items = nil
	}
	return true
}

// pushWait queues the droppable item it like push, but when the box is
// full waits up to d, with no lock held, for the writer to take what
// waits, then tries again; it drops when d runs out (and marks the box
// stalled, see room) or the box is stalled already.
func (o *outbox) pushWait(it outItem, d time.Duration) pushResult {
	var t *time.Timer
	var since uint64 // o.takes when the wait began
	defer func() {
		if t != nil {
			t.Stop()
			timers.Put(t)
		}
	}()
	for {
		o.mu.Lock()
		switch {
		case o.closed:
			o.mu.Unlock()
			return closed
		case len(o.items) < o.soft:
			o.items = append(o.items, it)
			o.wakeWriterUnlock()
			return pushed
		case o.stalled:
			o.mu.Unlock()
			return dropped
		}
		if o.room == nil {
			o.room = make(chan struct{})
		}
		room := o.room
		if t == nil {
			since = o.takes
			t = timers.Get().(*time.Timer)
			t.Reset(d)
		}
		o.mu.Unlock()
		select {
		case <-room:
		case <-t.C:
			o.mu.Lock()
			if o.takes == since { // the writer took nothing meanwhile
				o.stalled = true
			}
			o.mu.Unlock()
			return o.push(it, true)
		}
	}
}

// timers holds stopped timers for pushWait, so waiting allocates nothing.
var timers = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}}

// wakeLocked wakes the publishers waiting for room.
func (o *outbox) wakeLocked() {
	if o.room != nil {
		close(o.room)
		o.room = nil
	}
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// take moves everything queued into buf (which it returns, grown as
// needed) and reports whether the box is closed. Swapping buffers keeps
// both allocations alive, so a steady stream allocates nothing.
func (o *outbox) take(buf []outItem) ([]outItem, bool) {
	o.mu.Lock()
	items := o.items
	o.items = buf[:0]
	done := o.closed
	o.stalled = false
	o.takes++
	o.wakeLocked()
	o.mu.Unlock()
	return items, done
}

// close refuses further pushes and wakes the writer, which writes what is
// queued and exits. It reports whether this call closed the box.
func (o *outbox) close() bool {
	o.mu.Lock()
	was := o.closed
	o.closed = true
	o.wakeLocked()
	o.wakeWriterUnlock()
	return !was
}

// closeWith queues it as the last item, typically a DISCONNECT, and
// closes the box; it reports false, queueing nothing, when the box was
// already closed.
func (o *outbox) closeWith(it outItem) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	o.items = append(o.items, it)
	o.closed = true
	o.wakeLocked()
	o.wakeWriterUnlock()
	return true
}
