package broker

import "github.com/hob-iot/hob/internal/mqtt/packet"

// QoS 2 (only with Config.QoS2; AWS has none, spec §4.2). Inbound, the
// broker routes a message when its PUBLISH first arrives and answers
// PUBREC, remembering the packet identifier until PUBREL, so a resent
// PUBLISH is acknowledged without being routed again (5.0 §4.3.3, method
// B). Outbound, a delivery stays in flight through PUBREC, PUBREL and
// PUBCOMP. Both states live in the session, so they survive a reconnect,
// but not a restart.

// seenInbound reports whether the QoS 2 message id is routed and awaits
// its PUBREL.
func (ss *session) seenInbound(id uint16) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, ok := ss.qos2in[id]
	return ok
}

// markInbound records the QoS 2 message id as routed. It returns false
// when limit messages already await their PUBREL: the client exceeded
// the Receive Maximum the broker advertised [MQTT-3.3.4-7].
func (ss *session) markInbound(id uint16, limit int) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.qos2in) >= limit {
		return false
	}
	if ss.qos2in == nil {
		ss.qos2in = map[uint16]struct{}{}
	}
	ss.qos2in[id] = struct{}{}
	return true
}

// releaseInbound forgets the QoS 2 message id and reports whether it was
// known.
func (ss *session) releaseInbound(id uint16) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, ok := ss.qos2in[id]
	delete(ss.qos2in, id)
	return ok
}

// onPubrel answers PUBREL with PUBCOMP; MQTT 5 says 0x92 when the id was
// not awaiting release (§3.7.2.1).
func (c *conn) onPubrel(a *packet.Ack) *cause {
	rc := packet.Success
	if !c.sess.releaseInbound(a.PacketID) && c.version == packet.V5 {
		rc = packet.PacketIdentifierNotFound
	}
	return c.sendAck(packet.PUBCOMP, a.PacketID, rc)
}

// onPubrec moves an outbound QoS 2 delivery to its second step: PUBREL.
// A failing PUBREC ends the delivery (§4.3.3). A PUBREC for no QoS 2
// delivery gets PUBREL 0x92 in MQTT 5.
func (c *conn) onPubrec(a *packet.Ack) *cause {
	if a.ReasonCode.IsFailure() {
		c.sess.complete(a.PacketID)
		return nil
	}
	if c.sess.released(a.PacketID) {
		return c.sendAck(packet.PUBREL, a.PacketID, packet.Success)
	}
	rc := packet.Success
	if c.version == packet.V5 {
		rc = packet.PacketIdentifierNotFound
	}
	return c.sendAck(packet.PUBREL, a.PacketID, rc)
}

// released marks the QoS 2 delivery id as answered by PUBREC and reports
// whether there is one.
func (ss *session) released(id uint16) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e, ok := ss.inflight[id]
	if !ok || e.qos != packet.QoS2 {
		return false
	}
	e.rel = true
	ss.inflight[id] = e
	return true
}
