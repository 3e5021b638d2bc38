package packet

import "unicode/utf8"

// Publish is a PUBLISH packet (5.0 §3.3, 3.1.1 §3.3): an Application
// Message. It is the hot path, so decoding into a reused Publish
// allocates nothing in the common case: see Decode.
type Publish struct {
	Dup      bool
	QoS      QoS
	Retain   bool
	Topic    string // empty only in 5.0, with a Topic Alias
	PacketID uint16 // present when QoS > 0; never 0 then
	// Properties are 5.0's; 3.1.1 neither reads nor writes them.
	Properties Properties
	Payload    []byte
}

// Type returns PUBLISH.
func (*Publish) Type() Type { return PUBLISH }

// flags returns the low four bits of the first byte: DUP, QoS, RETAIN
// (§3.3.1).
func (p *Publish) flags() byte {
	f := byte(p.QoS) << 1
	if p.Dup {
		f |= 0x08
	}
	if p.Retain {
		f |= 0x01
	}
	return f
}

// remaining returns the Remaining Length and, for 5.0, the length of the
// properties, which AppendTo then need not compute again.
func (p *Publish) remaining(v Version) (n, props int) {
	n = 2 + len(p.Topic) + len(p.Payload)
	if p.QoS > 0 {
		n += 2
	}
	if v == V5 {
		props = p.Properties.bodyLen()
		n += varintLen(props) + props
	}
	return n, props
}

// Size returns the encoded size of the packet, which a server compares
// with the subscriber's Maximum Packet Size: a PUBLISH that does not fit
// is not sent [MQTT-3.1.2-25].
func (p *Publish) Size(v Version) int {
	n, _ := p.remaining(v)
	return packetSize(n)
}

// AppendTo appends the packet's wire form.
func (p *Publish) AppendTo(dst []byte, v Version) []byte {
	n, props := p.remaining(v)
	dst = appendHeader(dst, PUBLISH, p.flags(), n)
	dst = appendString(dst, p.Topic)
	if p.QoS > 0 {
		dst = appendUint16(dst, p.PacketID)
	}
	if v == V5 {
		dst = p.Properties.appendSized(dst, props)
	}
	return append(dst, p.Payload...)
}

// Decode decodes a PUBLISH body into p, replacing all its fields.
//
// Ownership: Payload and CorrelationData alias body, so they are valid
// only as long as body is; copy them to keep them longer. Topic and the
// other strings are immutable Go strings, safe to keep. When the decoded
// topic equals p.Topic, the old string is kept and no memory is
// allocated, so a connection that decodes into one Publish reuses its
// topic string for as long as the client publishes to the same topic.
// String properties, User Properties and Subscription Identifiers
// allocate when present; the other properties do not. Decode never
// writes through the slices p held before the call, so a Publish handed
// to another goroutine stays intact if the caller decodes into a new one.
func (p *Publish) Decode(h FixedHeader, body []byte, v Version) error {
	topic := p.Topic
	*p = Publish{Dup: h.Flags&0x08 != 0, QoS: QoS(h.Flags >> 1 & 3), Retain: h.Flags&0x01 != 0}
	switch {
	case p.QoS == 3:
		return malformed(PUBLISH, "QoS 3 [MQTT-3.3.1-4]")
	case p.Dup && p.QoS == 0:
		return protocolError(PUBLISH, "DUP set on a QoS 0 message [MQTT-3.3.1-2]")
	}
	c := cursor{b: body, t: PUBLISH}
	name, err := c.binary("Topic Name")
	if err != nil {
		return err
	}
	if err := scanTopicName(name); err != nil {
		return err
	}
	if string(name) != topic {
		topic = string(name)
	}
	p.Topic = topic
	if err := p.decodeRest(&c, v); err != nil {
		return err
	}
	if len(c.b) > 0 {
		p.Payload = c.b
	}
	return nil
}

// decodeRest reads the Packet Identifier and properties, then checks
// that an empty Topic Name comes with a Topic Alias.
func (p *Publish) decodeRest(c *cursor, v Version) error {
	if p.QoS > 0 {
		id, err := c.uint16("Packet Identifier")
		if err != nil {
			return err
		}
		if id == 0 {
			return protocolError(PUBLISH, "Packet Identifier 0 with QoS %d [MQTT-2.2.1-3]", p.QoS)
		}
		p.PacketID = id
	}
	if v == V5 {
		if err := p.Properties.decode(c, PUBLISH); err != nil {
			return err
		}
		if p.Topic == "" && p.Properties.TopicAlias != 0 {
			return nil // the receiver maps the alias (§3.3.2.3.4)
		}
	}
	if p.Topic == "" {
		return protocolError(PUBLISH, "empty Topic Name without a Topic Alias (§3.3.2.1, [MQTT-4.7.3-1])")
	}
	return nil
}

// scanTopicName checks a PUBLISH Topic Name in one pass, as the hot path
// wants: a UTF-8 Encoded String ([MQTT-1.5.4-1], [MQTT-1.5.4-2]) without
// wildcards [MQTT-3.3.2-2]. Checking raw bytes for U+0000, '+' and '#' is
// sound because in UTF-8 those bytes never occur inside another
// character's encoding.
func scanTopicName(s []byte) error {
	var high byte
	for _, b := range s {
		switch b {
		case 0:
			return malformed(PUBLISH, "Topic Name contains U+0000 [MQTT-1.5.4-2]")
		case '+', '#':
			return protocolError(PUBLISH, "Topic Name %q contains a wildcard [MQTT-3.3.2-2]", s)
		}
		high |= b
	}
	if high >= utf8.RuneSelf && !utf8.Valid(s) {
		return malformed(PUBLISH, "Topic Name is not well-formed UTF-8 [MQTT-1.5.4-1]")
	}
	return nil
}

var _ Packet = (*Publish)(nil)
