package broker

import "github.com/hob-iot/hob/internal/mqtt/packet"

// QoS 2 (only with Config.QoS2; AWS has none, spec §4.2). Inbound, the
// broker routes a message when its PUBLISH first arrives and answers
// PUBREC, remembering the packet identifier until PUBREL, so a resent
// PUBLISH is acknowledged without being routed again (5.0 §4.3.3, method
// B). Outbound, a delivery stays in flight through PUBREC, PUBREL and
// PUBCOMP. Both states live in the session, so they survive a reconnect,
// and a persistent session's are in the store too, so they survive a
// restart (qos2_store.go).

// seenInbound reports whether the QoS 2 message id is routed and awaits
// its PUBREL.
func (ss *session) seenInbound(id uint16) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, ok := ss.qos2in[id]
	return ok
}

// markInbound records the QoS 2 message id as routed; for a persistent
// session d collects its durable write, which PUBREC waits for. It
// returns false when limit messages already await their PUBREL: the
// client exceeded the Receive Maximum the broker advertised
// [MQTT-3.3.4-7].
func (ss *session) markInbound(id uint16, limit int, d *durable) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.qos2in) >= limit {
		return false
	}
	if ss.qos2in == nil {
		ss.qos2in = map[uint16]bool{}
	}
	ss.qos2in[id] = ss.storeInboundLocked(id, d)
	return true
}

// releaseInbound forgets the QoS 2 message id and reports whether it was
// known. A stored id is deleted from the store before it returns, so
// that once PUBCOMP is sent a new message may use the id even across a
// restart.
func (ss *session) releaseInbound(id uint16) bool {
	var d durable
	ss.mu.Lock()
	stored, ok := ss.qos2in[id]
	delete(ss.qos2in, id)
	if stored {
		ss.srv.persist.delete(tableQoS2In, qos2InKey(ss.clientID, id), d.add())
	}
	ss.mu.Unlock()
	_ = d.wait() // a failure is counted and logged by the persister
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
// whether there is one. For a persistent session the new state is
// durable before it returns, so PUBREL is never followed, after a
// restart, by the PUBLISH again.
func (ss *session) released(id uint16) bool {
	var d durable
	ss.mu.Lock()
	e, ok := ss.inflight[id]
	if ok && e.qos == packet.QoS2 && !e.rel {
		e.rel = true
		ss.inflight[id] = e
		ss.storeOutboundLocked(id, &e, &d)
	}
	ss.mu.Unlock()
	_ = d.wait() // a failure is counted and logged by the persister
	return ok && e.qos == packet.QoS2
}
