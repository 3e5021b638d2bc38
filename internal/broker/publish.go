package broker

import (
	"bytes"
	"fmt"
	"net"
	"time"
	"unicode/utf8"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/topic"
)

// onPublish handles a client's PUBLISH: it checks the topic, size and
// policy, updates the retained message, routes the message, waits for
// the durable writes of persistent subscribers, then acknowledges it
// (QoS 1: PUBACK; QoS 2: PUBREC). p aliases the read buffer.
func (c *conn) onPublish(p *packet.Publish) *cause {
	s := c.srv
	if p.QoS == packet.QoS2 && !s.cfg.QoS2 {
		s.stats.protocol.Add(1)
		return causeProtocol(packet.QoSNotSupported, "QoS 2 is not supported (AWS, spec §4.2)")
	}
	if c.version == packet.V5 && len(p.Properties.SubscriptionIdentifiers) > 0 {
		s.stats.protocol.Add(1)
		return causeProtocol(packet.ProtocolError, "PUBLISH from a client carries a Subscription Identifier [MQTT-3.3.4-6]")
	}
	if cs, ok := c.throttlePublish(p); !ok {
		return cs
	}
	name, cs := c.topicOf(p)
	if cs != nil {
		return cs
	}
	if p.QoS == packet.QoS2 && c.sess.seenInbound(p.PacketID) {
		return c.acknowledgeOrQueue(p, nil) // a resend: routed already
	}
	if cs, ok := c.checkPublish(p, name); !ok {
		return cs
	}
	arn := s.arn.topic + name
	if !c.allowed(actionPublish, arn) || (p.Retain && !c.allowed(actionRetainPublish, arn)) {
		s.stats.denyPublish.Add(1)
		return c.refusePublish(p, packet.NotAuthorized, reasonForbidden, "iot:Publish denied on "+name)
	}
	m := c.newMessage(p, name, arn)
	d := durable{push: true}
	if m.Retain && !s.storeRetained(m, &d) {
		return c.refusePublish(p, packet.QuotaExceeded, reasonThrottled, "the retained message limit is reached")
	}
	if m.Retain && s.clustered() {
		s.shareRetained(m)
	}
	if p.QoS == packet.QoS2 && !c.sess.markInbound(p.PacketID, s.cfg.MaxInflight, &d) {
		s.stats.protocol.Add(1)
		return causeProtocol(packet.ReceiveMaximumExceeded, "more than %d QoS 2 messages unreleased", s.cfg.MaxInflight)
	}
	s.route(m, &d)
	return c.acknowledgeOrQueue(p, &d)
}

// checkPublish applies the topic and size rules. An invalid topic is
// refused (3.1.1: close; 5: PUBACK or DISCONNECT 0x90), as is a payload
// above MaxPayload (spec §4.11; 5: DISCONNECT 0x95), an MQTT 5 payload
// that is not UTF-8 although its Payload Format Indicator is 1 (a
// receiver MAY check, §3.3.2.3.2: PUBACK or PUBREC 0x99, QoS 0:
// DISCONNECT 0x99) and an invalid Response Topic [MQTT-3.3.2-14]. When
// ok is false the PUBLISH is refused: cs, if not nil, ends the
// connection.
func (c *conn) checkPublish(p *packet.Publish, name string) (cs *cause, ok bool) {
	s := c.srv
	if err := s.checkPublishTopic(name, p.Retain); err != nil {
		s.stats.protocol.Add(1)
		return c.refusePublish(p, packet.TopicNameInvalid, reasonClientError, err.Error()), false
	}
	if len(p.Payload) > s.cfg.MaxPayload {
		s.stats.protocol.Add(1)
		return causeProtocol(packet.PacketTooLarge, "payload of %d bytes exceeds %d (AWS, spec §4.11)", len(p.Payload), s.cfg.MaxPayload), false
	}
	if c.version == packet.V5 && p.Properties.PayloadFormatIndicator == 1 && !utf8.Valid(p.Payload) {
		s.stats.protocol.Add(1)
		s.stats.badPayload.Add(1)
		return c.refusePublish(p, packet.PayloadFormatInvalid, reasonClientError,
			"the payload is not UTF-8, as Payload Format Indicator 1 says (§3.3.2.3.2)"), false
	}
	if rt := p.Properties.ResponseTopic; rt != "" {
		if err := topic.ValidateName(rt, topic.Limits{}); err != nil {
			s.stats.protocol.Add(1)
			return causeProtocol(packet.ProtocolError, "Response Topic: %v [MQTT-3.3.2-14]", err), false
		}
	}
	return nil, true
}

// topicOf resolves an MQTT 5 Topic Alias (§3.3.2.3.4): a PUBLISH with a
// topic and an alias maps the alias, one with only an alias uses the
// mapping. An alias of 0 or above the Topic Alias Maximum the broker
// advertised is refused with DISCONNECT 0x94 [MQTT-3.3.2-9]
// [MQTT-3.3.2-10]; an unmapped alias is a Protocol Error.
func (c *conn) topicOf(p *packet.Publish) (string, *cause) {
	alias := p.Properties.TopicAlias
	if c.version != packet.V5 || (alias == 0 && !p.Properties.Explicit.Has(packet.PropTopicAlias)) {
		return p.Topic, nil
	}
	max := c.srv.cfg.TopicAliasMaximum
	if alias == 0 || int(alias) > max {
		c.srv.stats.protocol.Add(1)
		return "", causeProtocol(packet.TopicAliasInvalid, "Topic Alias %d is not within 1..%d [MQTT-3.3.2-9]", alias, max)
	}
	if c.aliases == nil {
		c.aliases = make([]string, max+1)
	}
	if p.Topic != "" {
		c.aliases[alias] = p.Topic
		return p.Topic, nil
	}
	if name := c.aliases[alias]; name != "" {
		return name, nil
	}
	c.srv.stats.protocol.Add(1)
	return "", causeProtocol(packet.ProtocolError, "Topic Alias %d has no topic yet (§3.3.2.3.4)", alias)
}

// refusePublish answers a PUBLISH the broker does not accept (spec §2.6):
// MQTT 3.1.1 has no way to say so, so the connection is closed; MQTT 5
// answers QoS 1 with PUBACK (QoS 2 with PUBREC) carrying rc, and QoS 0,
// which has no acknowledgement, with DISCONNECT rc.
func (c *conn) refusePublish(p *packet.Publish, rc packet.ReasonCode, event, why string) *cause {
	if c.version != packet.V5 || p.QoS == packet.QoS0 {
		return &cause{code: rc, send: true, will: true, event: event, detail: why}
	}
	ack := &packet.Ack{Kind: packet.PUBACK, PacketID: p.PacketID, ReasonCode: rc}
	if p.QoS == packet.QoS2 {
		ack.Kind = packet.PUBREC
	}
	ack.Properties.ReasonString = c.reasonString(why)
	if c.acksBusy() { // after the acknowledgements still waiting [MQTT-4.6.0-2]
		c.ackLater(pendingAck{refusal: ack})
		return nil
	}
	return c.send(outItem{kind: outPacket, pkt: ack})
}

// acknowledge answers an accepted PUBLISH once it is routed and durable.
// If a durable write failed, MQTT 5 answers 0x80 Unspecified error and
// 3.1.1, which cannot, closes the connection so the client sends again.
func (c *conn) acknowledge(p *packet.Publish, err error) *cause {
	kind := packet.PUBACK
	switch p.QoS {
	case packet.QoS0:
		return nil
	case packet.QoS2:
		kind = packet.PUBREC
	}
	if err == nil {
		return c.sendAck(kind, p.PacketID, packet.Success)
	}
	if p.QoS == packet.QoS2 {
		c.sess.releaseInbound(p.PacketID) // a failing PUBREC ends the exchange (§4.3.3): the id is free
	}
	if c.version != packet.V5 {
		return causeStore
	}
	return c.sendAck(kind, p.PacketID, packet.UnspecifiedError)
}

// newMessage builds the routed message from a PUBLISH, copying what
// aliases the read buffer.
func (c *conn) newMessage(p *packet.Publish, name, arn string) *Message {
	now := time.Now()
	m := &Message{Topic: name, QoS: p.QoS, Retain: p.Retain, ClientID: c.clientID, PrincipalID: c.principalID,
		SourceIP: c.sourceIP, Received: now, arn: arn, from: c.sess}
	if len(p.Payload) > 0 {
		m.Payload = bytes.Clone(p.Payload)
	}
	if c.version == packet.V5 {
		m.Properties = messageProperties(&p.Properties)
		m.Expiry = expiryFrom(&p.Properties, now)
	}
	return m
}

// sourceIPOf returns the IP address of a TCP peer, or "" for other
// transports (pipes, WebSocket adapters without one).
func sourceIPOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	return ""
}

// String describes a message for logs.
func (m *Message) String() string {
	return fmt.Sprintf("%s (QoS %d, %d bytes)", m.Topic, m.QoS, len(m.Payload))
}
