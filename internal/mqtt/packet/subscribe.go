package packet

// Subscribe is a SUBSCRIBE packet (5.0 §3.8, 3.1.1 §3.8).
type Subscribe struct {
	PacketID      uint16
	Properties    Properties // 5.0: Subscription Identifier, User Properties
	Subscriptions []Subscription
}

// Subscription is one Topic Filter of a SUBSCRIBE with its Subscription
// Options (§3.8.3.1). 3.1.1 has only the QoS; the other options are
// neither read nor written there. Whether Filter is a valid filter
// (wildcard placement, shared-subscription syntax) is package topic's to
// judge; the codec checks only that it is a non-empty UTF-8 string.
type Subscription struct {
	Filter            string
	QoS               QoS
	NoLocal           bool
	RetainAsPublished bool
	RetainHandling    RetainHandling
}

// RetainHandling says whether retained messages are sent when a
// subscription is made (§3.8.3.1).
type RetainHandling byte

// The Retain Handling values; 3 is a Protocol Error.
const (
	SendRetained      RetainHandling = 0 // send at subscribe
	SendRetainedIfNew RetainHandling = 1 // only if the subscription is new
	DoNotSendRetained RetainHandling = 2 // never at subscribe
)

// The reserved bits of the Subscription Options byte.
const (
	subscriptionReserved  = 0xC0 // 5.0 [MQTT-3.8.3-5]
	subscriptionReserved3 = 0xFC // 3.1.1: every bit but the QoS
)

// options returns the Subscription Options byte for v.
func (s *Subscription) options(v Version) byte {
	b := byte(s.QoS)
	if v != V5 {
		return b
	}
	if s.NoLocal {
		b |= 0x04
	}
	if s.RetainAsPublished {
		b |= 0x08
	}
	return b | byte(s.RetainHandling)<<4
}

// Type returns SUBSCRIBE.
func (*Subscribe) Type() Type { return SUBSCRIBE }

func (p *Subscribe) remaining(v Version) int {
	n := 2
	if v == V5 {
		n += p.Properties.size()
	}
	for i := range p.Subscriptions {
		n += 2 + len(p.Subscriptions[i].Filter) + 1
	}
	return n
}

// Size returns the encoded size of the packet.
func (p *Subscribe) Size(v Version) int { return packetSize(p.remaining(v)) }

// AppendTo appends the packet's wire form.
func (p *Subscribe) AppendTo(dst []byte, v Version) []byte {
	dst = appendUint16(appendHeader(dst, SUBSCRIBE, 0x2, p.remaining(v)), p.PacketID)
	if v == V5 {
		dst = p.Properties.appendTo(dst)
	}
	for i := range p.Subscriptions {
		s := &p.Subscriptions[i]
		dst = append(appendString(dst, s.Filter), s.options(v))
	}
	return dst
}

// Decode decodes a SUBSCRIBE body.
func (p *Subscribe) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Subscribe{}
	c := cursor{b: body, t: SUBSCRIBE}
	var err error
	if p.PacketID, err = packetID(&c); err != nil {
		return err
	}
	if v == V5 {
		if err := p.Properties.decode(&c, SUBSCRIBE); err != nil {
			return err
		}
	}
	for len(c.b) > 0 {
		s, err := decodeSubscription(&c, v)
		if err != nil {
			return err
		}
		p.Subscriptions = append(p.Subscriptions, s)
	}
	if len(p.Subscriptions) == 0 {
		return protocolError(SUBSCRIBE, "no Topic Filter [MQTT-3.8.3-2] (3.1.1 [MQTT-3.8.3-3])")
	}
	return nil
}

func decodeSubscription(c *cursor, v Version) (Subscription, error) {
	filter, err := topicFilter(c)
	if err != nil {
		return Subscription{}, err
	}
	o, err := c.byte("Subscription Options")
	if err != nil {
		return Subscription{}, err
	}
	s := Subscription{Filter: filter, QoS: QoS(o & 3)}
	if v != V5 {
		if o&subscriptionReserved3 != 0 || s.QoS == 3 {
			return s, malformed(SUBSCRIBE, "requested QoS byte 0x%02X for %q: reserved bits set or QoS 3 (3.1.1 [MQTT-3-8.3-4])", o, filter)
		}
		return s, nil
	}
	s.NoLocal, s.RetainAsPublished, s.RetainHandling = o&0x04 != 0, o&0x08 != 0, RetainHandling(o>>4&3)
	switch {
	case o&subscriptionReserved != 0:
		return s, malformed(SUBSCRIBE, "reserved Subscription Options bits set in 0x%02X for %q [MQTT-3.8.3-5]", o, filter)
	case s.QoS == 3:
		return s, protocolError(SUBSCRIBE, "Maximum QoS 3 for %q (§3.8.3.1)", filter)
	case s.RetainHandling == 3:
		return s, protocolError(SUBSCRIBE, "Retain Handling 3 for %q (§3.8.3.1)", filter)
	}
	return s, nil
}

// topicFilter reads a Topic Filter: a UTF-8 Encoded String
// [MQTT-3.8.3-1] [MQTT-3.10.3-1] of at least one character [MQTT-4.7.3-1].
func topicFilter(c *cursor) (string, error) {
	f, err := c.string("Topic Filter")
	if err == nil && f == "" {
		err = protocolError(c.t, "empty Topic Filter [MQTT-4.7.3-1]")
	}
	return f, err
}

// packetID reads a Packet Identifier, which must not be 0 [MQTT-2.2.1-3].
func packetID(c *cursor) (uint16, error) {
	id, err := c.uint16("Packet Identifier")
	if err == nil && id == 0 {
		err = protocolError(c.t, "Packet Identifier 0 [MQTT-2.2.1-3]")
	}
	return id, err
}

var _ Packet = (*Subscribe)(nil)
