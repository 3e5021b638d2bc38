package broker

import (
	"sync"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// acker sends a connection's acknowledgements (PUBACK, PUBREC) whose
// PUBLISH still waits for durable writes (a persistent subscriber's
// queue, a cluster's durable stream), without stopping the reader: the
// reader goes on with the next PUBLISH while a drain goroutine, started
// when there is something to wait for and gone when there is not, sends
// the acknowledgements in the order the PUBLISHes came [MQTT-4.6.0-2]
// [MQTT-4.6.0-3]. At most Config.MaxInflight wait; beyond that the
// reader waits, which pushes back on the client through TCP.
type acker struct {
	slots chan struct{} // one per waiting acknowledgement

	mu      sync.Mutex
	queue   []pendingAck // guarded by mu
	running bool         // guarded by mu: a drain goroutine owns the queue's head
}

// pendingAck is one acknowledgement to send once w's writes are durable
// (w nil: at once, in its turn); or, with refusal set, that refusal.
type pendingAck struct {
	qos     packet.QoS
	id      uint16
	w       *waiter
	refusal *packet.Ack
}

// busy reports whether acknowledgements are waiting, so that one that
// could go at once must queue behind them to keep the order. Only the
// connection's reader calls it, as it does ackLater, so the acker is made
// on the reader's first ackLater.
func (c *conn) acksBusy() bool {
	a := c.acks
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running
}

// ackLater queues pa, sent once its writes are durable. It waits for a
// slot when MaxInflight are queued already.
func (c *conn) ackLater(pa pendingAck) {
	if c.acks == nil {
		c.acks = &acker{slots: make(chan struct{}, max(c.srv.cfg.MaxInflight, 1))}
	}
	a := c.acks
	a.slots <- struct{}{}
	a.mu.Lock()
	a.queue = append(a.queue, pa)
	start := !a.running
	a.running = true
	a.mu.Unlock()
	if start {
		go c.drainAcks()
	}
}

// drainAcks sends the queued acknowledgements in order, each once its
// writes are durable, and returns when the queue is empty.
func (c *conn) drainAcks() {
	a := c.acks
	for {
		a.mu.Lock()
		if len(a.queue) == 0 {
			a.running = false
			a.mu.Unlock()
			return
		}
		pa := a.queue[0]
		a.queue[0] = pendingAck{}
		a.queue = a.queue[1:]
		a.mu.Unlock()
		var cs *cause
		if pa.refusal != nil {
			cs = c.send(outItem{kind: outPacket, pkt: pa.refusal})
		} else {
			var err error
			if pa.w != nil {
				err = (&durable{w: pa.w}).wait()
			}
			cs = c.acknowledge(&packet.Publish{QoS: pa.qos, PacketID: pa.id}, err)
		}
		if cs != nil {
			c.kick(cs)
		}
		<-a.slots
	}
}

// acknowledgeOrQueue acknowledges p now when nothing is pending, or
// queues the acknowledgement behind the pending ones (or behind d's own
// writes). A returned cause ends the connection.
func (c *conn) acknowledgeOrQueue(p *packet.Publish, d *durable) *cause {
	if p.QoS == packet.QoS0 {
		return nil
	}
	var w *waiter
	if d != nil {
		w = d.w
	}
	if w == nil && !c.acksBusy() {
		return c.acknowledge(p, nil)
	}
	c.ackLater(pendingAck{qos: p.QoS, id: p.PacketID, w: w})
	return nil
}
