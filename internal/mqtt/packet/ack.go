package packet

// Ack is one of the four publish acknowledgements, told apart by Kind:
// PUBACK (§3.4), PUBREC (§3.5), PUBREL (§3.6) or PUBCOMP (§3.7). In 3.1.1
// an Ack is only a Packet Identifier; ReasonCode and Properties are 5.0's
// and are not written there.
type Ack struct {
	Kind       Type // PUBACK, PUBREC, PUBREL or PUBCOMP
	PacketID   uint16
	ReasonCode ReasonCode
	Properties Properties
}

// Type returns the acknowledgement's Kind.
func (p *Ack) Type() Type { return p.Kind }

// remaining uses the short forms 5.0 allows: without properties the
// Property Length is left out, and a Success without properties is the
// Packet Identifier alone (§3.4.2.1).
func (p *Ack) remaining(v Version) int {
	switch {
	case v != V5:
		return 2
	case !p.Properties.empty():
		return 3 + p.Properties.size()
	case p.ReasonCode != Success:
		return 3
	}
	return 2
}

// Size returns the encoded size of the packet.
func (p *Ack) Size(v Version) int { return packetSize(p.remaining(v)) }

// AppendTo appends the packet's wire form.
func (p *Ack) AppendTo(dst []byte, v Version) []byte {
	n := p.remaining(v)
	dst = appendUint16(appendHeader(dst, p.Kind, p.Kind.requiredFlags(), n), p.PacketID)
	if n > 2 {
		dst = append(dst, byte(p.ReasonCode))
	}
	if n > 3 {
		dst = p.Properties.appendTo(dst)
	}
	return dst
}

// Decode decodes the body of the acknowledgement type h.Type.
func (p *Ack) Decode(h FixedHeader, body []byte, v Version) error {
	*p = Ack{Kind: h.Type}
	c := cursor{b: body, t: h.Type}
	var err error
	if p.PacketID, err = packetID(&c); err != nil {
		return err
	}
	if v == V5 && len(c.b) > 0 {
		p.ReasonCode = ReasonCode(c.b[0])
		c.b = c.b[1:]
		if !p.ReasonCode.ValidIn(h.Type) {
			return protocolError(h.Type, "%s is not a %s reason code [MQTT-3.%d.2-1]", p.ReasonCode, h.Type, h.Type)
		}
		if len(c.b) > 0 {
			if err := p.Properties.decode(&c, h.Type); err != nil {
				return err
			}
		}
	}
	return c.end()
}

var _ Packet = (*Ack)(nil)
