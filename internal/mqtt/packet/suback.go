package packet

// Suback is a SUBACK packet (5.0 §3.9, 3.1.1 §3.9): one reason code per
// Topic Filter of the SUBSCRIBE, in the same order [MQTT-3.9.3-1].
// 3.1.1 knows only Granted QoS 0-2 and Failure 0x80, to which every
// failure code is written.
type Suback struct {
	PacketID    uint16
	Properties  Properties // 5.0: Reason String, User Properties
	ReasonCodes []ReasonCode
}

// Type returns SUBACK.
func (*Suback) Type() Type { return SUBACK }

// Size returns the encoded size of the packet.
func (p *Suback) Size(v Version) int {
	return packetSize(ackListRemaining(&p.Properties, len(p.ReasonCodes), v))
}

// AppendTo appends the packet's wire form.
func (p *Suback) AppendTo(dst []byte, v Version) []byte {
	dst = appendAckListHeader(dst, SUBACK, p.PacketID, &p.Properties, len(p.ReasonCodes), v)
	for _, rc := range p.ReasonCodes {
		if v == V5 {
			dst = append(dst, byte(rc))
		} else {
			dst = append(dst, subackV3(rc))
		}
	}
	return dst
}

// Decode decodes a SUBACK body.
func (p *Suback) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Suback{}
	var err error
	p.PacketID, p.ReasonCodes, err = decodeAckList(body, SUBACK, &p.Properties, v)
	return err
}

// Unsuback is an UNSUBACK packet (5.0 §3.11, 3.1.1 §3.11). In 5.0 it has
// one reason code per Topic Filter of the UNSUBSCRIBE [MQTT-3.11.3-1];
// 3.1.1's UNSUBACK is only the Packet Identifier, and ReasonCodes and
// Properties are not written there.
type Unsuback struct {
	PacketID    uint16
	Properties  Properties
	ReasonCodes []ReasonCode
}

// Type returns UNSUBACK.
func (*Unsuback) Type() Type { return UNSUBACK }

// codes returns the number of reason codes written for v.
func (p *Unsuback) codes(v Version) int {
	if v != V5 {
		return 0
	}
	return len(p.ReasonCodes)
}

// Size returns the encoded size of the packet.
func (p *Unsuback) Size(v Version) int {
	return packetSize(ackListRemaining(&p.Properties, p.codes(v), v))
}

// AppendTo appends the packet's wire form.
func (p *Unsuback) AppendTo(dst []byte, v Version) []byte {
	dst = appendAckListHeader(dst, UNSUBACK, p.PacketID, &p.Properties, p.codes(v), v)
	for _, rc := range p.ReasonCodes[:p.codes(v)] {
		dst = append(dst, byte(rc))
	}
	return dst
}

// Decode decodes an UNSUBACK body.
func (p *Unsuback) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Unsuback{}
	if v != V5 {
		c := cursor{b: body, t: UNSUBACK}
		var err error
		if p.PacketID, err = packetID(&c); err != nil {
			return err
		}
		return c.end()
	}
	var err error
	p.PacketID, p.ReasonCodes, err = decodeAckList(body, UNSUBACK, &p.Properties, v)
	return err
}

// ackListRemaining returns the Remaining Length of a SUBACK or UNSUBACK
// with n reason codes.
func ackListRemaining(props *Properties, n int, v Version) int {
	if v == V5 {
		return 2 + props.size() + n
	}
	return 2 + n
}

// appendAckListHeader appends all of a SUBACK or UNSUBACK but its n
// reason codes.
func appendAckListHeader(dst []byte, t Type, id uint16, props *Properties, n int, v Version) []byte {
	dst = appendUint16(appendHeader(dst, t, 0, ackListRemaining(props, n, v)), id)
	if v == V5 {
		dst = props.appendTo(dst)
	}
	return dst
}

// decodeAckList decodes the body of a SUBACK, or of a 5.0 UNSUBACK: a
// Packet Identifier, 5.0 properties, and at least one reason code, each
// one that the packet type may carry ([MQTT-3.9.3-2], [MQTT-3.11.3-2];
// 3.1.1 [MQTT-3.9.3-2] allows 0x00-0x02 and 0x80).
func decodeAckList(body []byte, t Type, props *Properties, v Version) (uint16, []ReasonCode, error) {
	c := cursor{b: body, t: t}
	id, err := packetID(&c)
	if err != nil {
		return 0, nil, err
	}
	if v == V5 {
		if err := props.decode(&c, t); err != nil {
			return 0, nil, err
		}
	}
	if len(c.b) == 0 {
		return 0, nil, protocolError(t, "no reason code (§3.%d.3)", t)
	}
	codes := make([]ReasonCode, len(c.b))
	for i, b := range c.b {
		rc := ReasonCode(b)
		if !rc.ValidIn(t) || (v != V5 && rc > GrantedQoS2 && rc != UnspecifiedError) {
			return 0, nil, protocolError(t, "%s is not a %s reason code [MQTT-3.%d.3-2]", rc, t, t)
		}
		codes[i] = rc
	}
	return id, codes, nil
}

var (
	_ Packet = (*Suback)(nil)
	_ Packet = (*Unsuback)(nil)
)
