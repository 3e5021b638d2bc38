package packet

// Pingreq is a PINGREQ packet (§3.12): a fixed header alone.
type Pingreq struct{}

// Pingresp is a PINGRESP packet (§3.13): a fixed header alone.
type Pingresp struct{}

// Type returns PINGREQ.
func (*Pingreq) Type() Type { return PINGREQ }

// Size returns 2.
func (*Pingreq) Size(Version) int { return 2 }

// AppendTo appends the packet's two bytes.
func (*Pingreq) AppendTo(dst []byte, _ Version) []byte { return append(dst, byte(PINGREQ)<<4, 0) }

// Decode accepts only an empty body.
func (*Pingreq) Decode(_ FixedHeader, body []byte, _ Version) error {
	return emptyBody(PINGREQ, body)
}

// Type returns PINGRESP.
func (*Pingresp) Type() Type { return PINGRESP }

// Size returns 2.
func (*Pingresp) Size(Version) int { return 2 }

// AppendTo appends the packet's two bytes.
func (*Pingresp) AppendTo(dst []byte, _ Version) []byte { return append(dst, byte(PINGRESP)<<4, 0) }

// Decode accepts only an empty body.
func (*Pingresp) Decode(_ FixedHeader, body []byte, _ Version) error {
	return emptyBody(PINGRESP, body)
}

func emptyBody(t Type, body []byte) error {
	c := cursor{b: body, t: t}
	return c.end()
}

// Disconnect is a DISCONNECT packet (5.0 §3.14, 3.1.1 §3.14). In 3.1.1 it
// is a fixed header alone, sent only by the client; ReasonCode and
// Properties are 5.0's.
type Disconnect struct {
	ReasonCode ReasonCode
	Properties Properties
}

// Type returns DISCONNECT.
func (*Disconnect) Type() Type { return DISCONNECT }

// Size returns the encoded size of the packet.
func (p *Disconnect) Size(v Version) int {
	return packetSize(reasonRemaining(p.ReasonCode, &p.Properties, v, true))
}

// AppendTo appends the packet's wire form, in the shortest form 5.0
// allows (§3.14.2.1).
func (p *Disconnect) AppendTo(dst []byte, v Version) []byte {
	return appendReasonPacket(dst, DISCONNECT, p.ReasonCode, &p.Properties, v, true)
}

// Decode decodes a DISCONNECT body.
func (p *Disconnect) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Disconnect{}
	return decodeReasonPacket(body, DISCONNECT, &p.ReasonCode, &p.Properties, v)
}

// Auth is a 5.0 AUTH packet (§3.15), exchanged during extended
// authentication. 3.1.1 has no AUTH.
type Auth struct {
	ReasonCode ReasonCode
	Properties Properties
}

// Type returns AUTH.
func (*Auth) Type() Type { return AUTH }

// Size returns the encoded size of the packet.
func (p *Auth) Size(v Version) int {
	return packetSize(reasonRemaining(p.ReasonCode, &p.Properties, v, false))
}

// AppendTo appends the packet's wire form.
func (p *Auth) AppendTo(dst []byte, v Version) []byte {
	return appendReasonPacket(dst, AUTH, p.ReasonCode, &p.Properties, v, false)
}

// Decode decodes an AUTH body.
func (p *Auth) Decode(_ FixedHeader, body []byte, v Version) error {
	*p = Auth{}
	return decodeReasonPacket(body, AUTH, &p.ReasonCode, &p.Properties, v)
}

// reasonRemaining returns the Remaining Length of a DISCONNECT or AUTH: 0
// for Success without properties, otherwise the reason code and the
// properties. DISCONNECT may also leave out an empty Property Length
// (shortProps; §3.14.2.2.1); AUTH may not (§3.15.2.2.1).
func reasonRemaining(rc ReasonCode, props *Properties, v Version, shortProps bool) int {
	switch {
	case v != V5:
		return 0
	case !props.empty():
		return 1 + props.size()
	case rc == Success:
		return 0
	case shortProps:
		return 1
	}
	return 2
}

func appendReasonPacket(dst []byte, t Type, rc ReasonCode, props *Properties, v Version, shortProps bool) []byte {
	n := reasonRemaining(rc, props, v, shortProps)
	dst = appendHeader(dst, t, 0, n)
	if n > 0 {
		dst = append(dst, byte(rc))
	}
	if n > 1 {
		dst = props.appendTo(dst)
	}
	return dst
}

// decodeReasonPacket decodes the body of a DISCONNECT or AUTH. A 3.1.1
// DISCONNECT has none. The reason code must be one the packet type may
// carry ([MQTT-3.14.2-1], [MQTT-3.15.2-1]).
func decodeReasonPacket(body []byte, t Type, rc *ReasonCode, props *Properties, v Version) error {
	c := cursor{b: body, t: t}
	if v != V5 || len(c.b) == 0 {
		return c.end()
	}
	*rc = ReasonCode(c.b[0])
	c.b = c.b[1:]
	if !rc.ValidIn(t) {
		return protocolError(t, "%s is not a %s reason code [MQTT-3.%d.2-1]", *rc, t, t)
	}
	if len(c.b) > 0 || t == AUTH {
		if err := props.decode(&c, t); err != nil {
			return err
		}
	}
	return c.end()
}

var (
	_ Packet = (*Pingreq)(nil)
	_ Packet = (*Pingresp)(nil)
	_ Packet = (*Disconnect)(nil)
	_ Packet = (*Auth)(nil)
)
