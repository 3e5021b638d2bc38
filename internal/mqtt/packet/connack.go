package packet

// Connack is a CONNACK packet (5.0 §3.2, 3.1.1 §3.2). ReasonCode is an
// MQTT 5 code in both versions: 3.1.1's return codes are translated on
// the wire (0x84 ↔ 1 unacceptable protocol version, 0x85 ↔ 2 identifier
// rejected, 0x88 ↔ 3 server unavailable, 0x86 ↔ 4 bad user name or
// password, 0x87 ↔ 5 not authorized), and a code 3.1.1 lacks is sent as
// its nearest counterpart (see connackV3).
type Connack struct {
	SessionPresent bool
	ReasonCode     ReasonCode
	Properties     Properties // 5.0 only
}

// Type returns CONNACK.
func (*Connack) Type() Type { return CONNACK }

func (p *Connack) remaining(v Version) int {
	if v == V5 {
		return 2 + p.Properties.size()
	}
	return 2
}

// Size returns the encoded size of the packet.
func (p *Connack) Size(v Version) int { return packetSize(p.remaining(v)) }

// AppendTo appends the packet's wire form.
func (p *Connack) AppendTo(dst []byte, v Version) []byte {
	dst = appendHeader(dst, CONNACK, 0, p.remaining(v))
	var flags byte
	if p.SessionPresent {
		flags = 1
	}
	if v != V5 {
		return append(dst, flags, connackV3(p.ReasonCode))
	}
	return p.Properties.appendTo(append(dst, flags, byte(p.ReasonCode)))
}

// Decode decodes a CONNACK body.
func (p *Connack) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Connack{}
	c := cursor{b: body, t: CONNACK}
	flags, err := c.byte("Connect Acknowledge Flags")
	if err != nil {
		return err
	}
	if flags&^1 != 0 {
		return malformed(CONNACK, "reserved Connect Acknowledge Flags bits are set: 0x%02X [MQTT-3.2.2-1]", flags)
	}
	p.SessionPresent = flags == 1
	code, err := c.byte("Connect Reason Code")
	if err != nil {
		return err
	}
	if err := p.setCode(code, v); err != nil {
		return err
	}
	if v == V5 {
		if err := p.Properties.decode(&c, CONNACK); err != nil {
			return err
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	if p.SessionPresent && p.ReasonCode.IsFailure() {
		return protocolError(CONNACK, "Session Present with failure %s [MQTT-3.2.2-6]", p.ReasonCode)
	}
	return nil
}

func (p *Connack) setCode(code byte, v Version) error {
	if v != V5 {
		rc, ok := connackFromV3(code)
		if !ok {
			return protocolError(CONNACK, "return code %d is reserved (3.1.1 §3.2.2.3)", code)
		}
		p.ReasonCode = rc
		return nil
	}
	p.ReasonCode = ReasonCode(code)
	if !p.ReasonCode.ValidIn(CONNACK) {
		return protocolError(CONNACK, "%s is not a CONNACK reason code [MQTT-3.2.2-8]", p.ReasonCode)
	}
	return nil
}

var _ Packet = (*Connack)(nil)
