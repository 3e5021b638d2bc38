package packet

// Unsubscribe is an UNSUBSCRIBE packet (5.0 §3.10, 3.1.1 §3.10).
type Unsubscribe struct {
	PacketID   uint16
	Properties Properties // 5.0: User Properties
	Filters    []string
}

// Type returns UNSUBSCRIBE.
func (*Unsubscribe) Type() Type { return UNSUBSCRIBE }

func (p *Unsubscribe) remaining(v Version) int {
	n := 2
	if v == V5 {
		n += p.Properties.size()
	}
	for _, f := range p.Filters {
		n += 2 + len(f)
	}
	return n
}

// Size returns the encoded size of the packet.
func (p *Unsubscribe) Size(v Version) int { return packetSize(p.remaining(v)) }

// AppendTo appends the packet's wire form.
func (p *Unsubscribe) AppendTo(dst []byte, v Version) []byte {
	dst = appendUint16(appendHeader(dst, UNSUBSCRIBE, 0x2, p.remaining(v)), p.PacketID)
	if v == V5 {
		dst = p.Properties.appendTo(dst)
	}
	for _, f := range p.Filters {
		dst = appendString(dst, f)
	}
	return dst
}

// Decode decodes an UNSUBSCRIBE body.
func (p *Unsubscribe) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Unsubscribe{}
	c := cursor{b: body, t: UNSUBSCRIBE}
	var err error
	if p.PacketID, err = packetID(&c); err != nil {
		return err
	}
	if v == V5 {
		if err := p.Properties.decode(&c, UNSUBSCRIBE); err != nil {
			return err
		}
	}
	for len(c.b) > 0 {
		f, err := topicFilter(&c)
		if err != nil {
			return err
		}
		p.Filters = append(p.Filters, f)
	}
	if len(p.Filters) == 0 {
		return protocolError(UNSUBSCRIBE, "no Topic Filter [MQTT-3.10.3-2]")
	}
	return nil
}

var _ Packet = (*Unsubscribe)(nil)
