package broker

import (
	"bufio"
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// writeBufferSize is the size of the buffered writers the connections
// borrow while they write. An idle connection holds none.
const writeBufferSize = 4096

// goodbyeTimeout bounds how long a closing connection may take to write
// what was queued before it, such as a DISCONNECT.
const goodbyeTimeout = 2 * time.Second

// maxKeptScratch is the largest encoding buffer a connection keeps
// between batches; larger ones were for rare large packets.
const maxKeptScratch = 64 << 10

var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeBufferSize) }}

// writeLoop is the connection's writer goroutine. The outbox spawns it
// when something is pushed while no writer runs, and the reader waits
// for its last one through writerDone. It writes everything queued into
// a buffered writer, flushes when the queue is momentarily empty, and
// sleeps until more is pushed; when the idle scan asks it to retire it
// exits with the box empty, keeping no stack or buffer while the client
// is idle. Once the outbox is closed and drained, or a write fails, it
// closes the network connection, which ends the reader too, and closes
// writerDone. It holds no lock while it writes.
func (c *conn) writeLoop() {
	var batch []outItem
	c.ws = writeScratches.Get().(*writeScratch)
	for {
		var done bool
		var err error
		batch, done, err = c.drain(batch)
		if err != nil {
			c.kick(causeLost(err))
			done = true
		}
		if done {
			c.dropWriter()
			c.closeNet()
			close(c.writerDone)
			return
		}
		if c.out.finishIfEmpty(c.dropWriter) {
			return
		}
		<-c.out.wake
	}
}

// drain writes batches until the outbox is empty, then flushes. done is
// true when the outbox is closed and everything in it was written.
func (c *conn) drain(batch []outItem) (_ []outItem, done bool, err error) {
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(c.nc)
	defer func() {
		bw.Reset(nil)
		bufWriters.Put(bw)
		if cap(c.scratch) > maxKeptScratch {
			c.scratch = nil
		}
	}()
	for {
		items, closing := c.out.take(batch)
		if len(items) == 0 {
			if bw.Buffered() > 0 {
				err = bw.Flush()
			}
			return items, closing, err
		}
		c.setWriteDeadline(closing)
		now := time.Now()
		for i := range items {
			if err = c.writeItem(bw, &items[i], now); err != nil {
				return items[:0], true, err
			}
		}
		clear(items) // drop the messages for the garbage collector
		batch = items[:0]
	}
}

func (c *conn) setWriteDeadline(closing bool) {
	d := c.srv.cfg.WriteTimeout
	if closing {
		d = min(d, goodbyeTimeout)
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(d))
}

// writeItem encodes it into bw. A packet larger than the client's
// Maximum Packet Size is not sent [MQTT-3.1.2-24]: the Reason String and
// User Properties of an acknowledgement are left out first, and a
// PUBLISH that still does not fit is dropped and treated as delivered
// [MQTT-3.1.2-25].
func (c *conn) writeItem(bw *bufio.Writer, it *outItem, now time.Time) error {
	p := c.encodeItem(it, now)
	if p == nil {
		return nil
	}
	v := c.version
	if !packet.Fit(p, v, c.maxOut) {
		if it.kind == outPublish {
			c.srv.stats.dropLarge.Add(1)
			c.release(it)
		}
		return nil
	}
	if it.kind == outPublish && c.aliasMax > 0 {
		c.aliasTopic(&c.ws.pub)
	}
	n := p.Size(v)
	var b []byte
	if n <= bw.Available() {
		b = p.AppendTo(bw.AvailableBuffer(), v)
	} else {
		c.scratch = p.AppendTo(c.scratch[:0], v)
		b = c.scratch
	}
	_, err := bw.Write(b)
	if it.kind == outPublish {
		c.srv.stats.out(it.qos, n)
	}
	return err
}

// aliasTopic gives an outbound MQTT 5 PUBLISH a Topic Alias
// (§3.3.2.3.4): a topic already mapped on this connection is sent as its
// alias alone; a new one, while aliases up to the client's Topic Alias
// Maximum remain [MQTT-3.3.2-8], is sent with its topic and a new alias;
// others go without. The mapping lives as long as the connection
// [MQTT-3.3.2-7]. Only the writer calls it, after the packet is known to
// be sent, so the client learns every mapping it is later asked to use.
func (c *conn) aliasTopic(p *packet.Publish) {
	if a, ok := c.outAliases[p.Topic]; ok {
		p.Properties.TopicAlias = a
		p.Topic = ""
		return
	}
	if len(c.outAliases) >= int(c.aliasMax) {
		return
	}
	if c.outAliases == nil {
		c.outAliases = make(map[string]uint16, c.aliasMax)
	}
	a := uint16(len(c.outAliases) + 1)
	c.outAliases[p.Topic] = a
	p.Properties.TopicAlias = a
}

// dropWriter lets go of what the writer keeps when it exits.
func (c *conn) dropWriter() {
	*c.ws = writeScratch{}
	writeScratches.Put(c.ws)
	c.ws, c.scratch = nil, nil
}

var pingresp = &packet.Pingresp{}

// encodeItem returns the packet it stands for, reusing the writer's
// packet structs, or nil when nothing is to be sent.
func (c *conn) encodeItem(it *outItem, now time.Time) packet.Packet {
	switch it.kind {
	case outAck:
		c.ws.ack = packet.Ack{Kind: it.ack, PacketID: it.id, ReasonCode: it.rc}
		return &c.ws.ack
	case outPingresp:
		return pingresp
	case outPacket:
		return it.pkt
	}
	m := it.msg
	if m.expired(now) {
		c.srv.stats.dropExpired.Add(1) // [MQTT-3.3.2-5]
		c.release(it)
		return nil
	}
	p := &c.ws.pub
	*p = packet.Publish{Topic: m.Topic, Payload: m.Payload, QoS: it.qos, Retain: it.retain, Dup: it.dup, PacketID: it.id}
	if c.version == packet.V5 {
		p.Properties = m.Properties
		p.Properties.SubscriptionIdentifiers = it.ids
		if secs, ok := m.remaining(now); ok { // [MQTT-3.3.2-6]
			p.Properties.MessageExpiryInterval = secs
			if secs == 0 {
				p.Properties.Explicit |= packet.SetOf(packet.PropMessageExpiryInterval)
			}
		}
	}
	return p
}

// release gives up a QoS 1 or 2 delivery that was not sent, as if the
// client had acknowledged it.
func (c *conn) release(it *outItem) {
	if it.qos > 0 && c.sess != nil {
		c.sess.complete(it.id)
	}
}
