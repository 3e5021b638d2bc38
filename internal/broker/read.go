package broker

import (
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// readLoop reads and handles packets until the connection must end, and
// returns why.
func (c *conn) readLoop() *cause {
	for {
		c.armKeepAlive()
		if c.park.raw != nil && c.br.Buffered() == 0 {
			if cs := c.waitForPacket(); cs != nil {
				return cs
			}
		}
		h, err := c.rd.ReadHeader()
		if err != nil {
			return c.countRead(causeRead(err))
		}
		body, err := c.rd.ReadBody(h, c.body)
		if err != nil {
			return causeRead(err)
		}
		c.park.reads.Add(1)
		cs := c.handle(h, body)
		if cap(body) <= maxKeptBody {
			c.body = body[:0]
		} else {
			c.body = nil
		}
		if cs != nil {
			return cs
		}
	}
}

// countRead counts protocol errors and keep-alive timeouts.
func (c *conn) countRead(cs *cause) *cause {
	switch cs.event {
	case reasonClientError:
		c.srv.stats.protocol.Add(1)
	case reasonKeepAlive:
		c.srv.stats.keepAlive.Add(1)
	}
	return cs
}

// armKeepAlive keeps the read deadline at least 1.5 times the keep-alive
// ahead [MQTT-3.1.2-24] (5.0: [MQTT-3.1.2-22]). Moving a deadline costs a
// little, so it is moved only once a quarter keep-alive has passed, and
// set that much further: the connection ends between 1.5 and 1.75 times
// the keep-alive after the last packet.
func (c *conn) armKeepAlive() {
	if c.keepAlive == 0 {
		return
	}
	now := time.Now()
	if now.Before(c.rearmAt) {
		return
	}
	slack := c.keepAlive / 4
	c.rearmAt = now.Add(slack)
	c.setReadDeadline(now.Add(c.keepAlive*3/2 + slack))
}

// handle acts on one packet.
func (c *conn) handle(h packet.FixedHeader, body []byte) *cause {
	switch h.Type {
	case packet.PUBLISH:
		pub := &c.rs.pub
		if err := pub.Decode(h, body, c.version); err != nil {
			return c.countRead(causeRead(err))
		}
		c.srv.stats.in(pub.QoS, h.Size())
		return c.onPublish(pub)
	case packet.PUBACK, packet.PUBREC, packet.PUBREL, packet.PUBCOMP:
		ack := &c.rs.ack
		if err := ack.Decode(h, body, c.version); err != nil {
			return c.countRead(causeRead(err))
		}
		return c.onAck(ack)
	case packet.PINGREQ:
		if err := (&packet.Pingreq{}).Decode(h, body, c.version); err != nil {
			return c.countRead(causeRead(err))
		}
		return c.send(outItem{kind: outPingresp})
	}
	p, err := packet.DecodeBody(h, body, c.version)
	if err != nil {
		return c.countRead(causeRead(err))
	}
	switch p := p.(type) {
	case *packet.Subscribe:
		return c.onSubscribe(p)
	case *packet.Unsubscribe:
		return c.onUnsubscribe(p)
	case *packet.Disconnect:
		return c.onDisconnect(p)
	case *packet.Connect:
		c.srv.stats.protocol.Add(1)
		return causeProtocol(packet.ProtocolError, "second CONNECT [MQTT-3.1.0-2]")
	}
	c.srv.stats.protocol.Add(1)
	return causeProtocol(packet.ProtocolError, "a client may not send %s", h.Type)
}

// onDisconnect handles the client's DISCONNECT. In MQTT 5 it may change
// the Session Expiry Interval, except from 0 to more (§3.14.2.2.2).
func (c *conn) onDisconnect(p *packet.Disconnect) *cause {
	if c.version == packet.V5 && p.Properties.Has(packet.PropSessionExpiryInterval) {
		v := p.Properties.SessionExpiryInterval
		if v > 0 && c.expiry == 0 {
			c.srv.stats.protocol.Add(1)
			return causeProtocol(packet.ProtocolError, "Session Expiry Interval set on DISCONNECT after 0 on CONNECT (§3.14.2.2.2)")
		}
		capped := min(v, c.srv.maxExpiry())
		c.endExpiry = &capped
	}
	return causeClient(p.ReasonCode)
}

// onAck handles PUBACK, PUBREC, PUBREL and PUBCOMP from the client.
func (c *conn) onAck(a *packet.Ack) *cause {
	switch a.Kind {
	case packet.PUBACK:
		c.sess.complete(a.PacketID)
	case packet.PUBREC:
		return c.onPubrec(a)
	case packet.PUBREL:
		return c.onPubrel(a)
	case packet.PUBCOMP:
		c.sess.complete(a.PacketID)
	}
	return nil
}
