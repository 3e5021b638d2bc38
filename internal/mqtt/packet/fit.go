package packet

// Fit makes p encode in at most max bytes under version v, if it can, by
// leaving out what the specification lets a sender leave out when the
// receiver's Maximum Packet Size would be exceeded: first the Reason
// String, then the User Properties ([MQTT-3.2.2-19], [MQTT-3.2.2-20],
// [MQTT-3.4.2-2], [MQTT-3.4.2-3] and their twins for PUBREC, PUBREL,
// PUBCOMP, SUBACK, UNSUBACK, DISCONNECT and AUTH). It changes p in place
// and reports whether p now fits; max <= 0 means no limit.
//
// A PUBLISH, whose properties must reach subscribers unaltered
// [MQTT-3.3.2-17], and any other packet without those properties, is
// never changed: false means it must not be sent, and a server then
// behaves as if it had sent it [MQTT-3.1.2-25].
func Fit(p Packet, v Version, max int) bool {
	if max <= 0 || p.Size(v) <= max {
		return true
	}
	props := diagnostics(p)
	if props == nil || v != V5 {
		return false
	}
	if props.ReasonString != "" || props.Explicit.Has(PropReasonString) {
		props.ReasonString = ""
		props.Explicit &^= 1 << PropReasonString
		if p.Size(v) <= max {
			return true
		}
	}
	props.UserProperties = nil
	return p.Size(v) <= max
}

// diagnostics returns the properties of p that carry a Reason String,
// or nil for packets that have none.
func diagnostics(p Packet) *Properties {
	switch p := p.(type) {
	case *Connack:
		return &p.Properties
	case *Ack:
		return &p.Properties
	case *Suback:
		return &p.Properties
	case *Unsuback:
		return &p.Properties
	case *Disconnect:
		return &p.Properties
	case *Auth:
		return &p.Properties
	}
	return nil
}
