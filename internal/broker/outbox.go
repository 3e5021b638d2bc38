package broker

import (
	"sync"

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
	o.mu.Unlock()
	o.signal()
	return pushed
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
	o.mu.Unlock()
	return items, done
}

// close refuses further pushes and wakes the writer, which writes what is
// queued and exits. It reports whether this call closed the box.
func (o *outbox) close() bool {
	o.mu.Lock()
	was := o.closed
	o.closed = true
	o.mu.Unlock()
	o.signal()
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
	o.mu.Unlock()
	o.signal()
	return true
}
