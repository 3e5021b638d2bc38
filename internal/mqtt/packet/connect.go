package packet

// Connect is a CONNECT packet (5.0 §3.1, 3.1.1 §3.1): the first packet a
// client sends. Unlike the other types it carries its own protocol
// version, so Decode ignores its v argument and AppendTo uses Version
// (falling back to v when Version is 0).
type Connect struct {
	Version    Version // Protocol Level: V311 or V5
	CleanStart bool    // Clean Start; Clean Session in 3.1.1
	KeepAlive  uint16  // seconds; 0 turns Keep Alive off
	Properties Properties
	ClientID   string
	Will       *Will // nil when the Will Flag is 0
	// UsernameFlag and PasswordFlag say whether Username and Password are
	// present; an empty value may be present. 3.1.1 forbids a password
	// without a user name [MQTT-3.1.2-22]; 5.0 allows it.
	UsernameFlag bool
	Username     string
	PasswordFlag bool
	Password     []byte
}

// Will is the Will Message of a CONNECT (5.0 §3.1.2.5, §3.1.3.2-4).
type Will struct {
	QoS        QoS
	Retain     bool
	Properties Properties // 5.0 Will Properties
	Topic      string
	Payload    []byte
}

// Connect Flags bits (5.0 §3.1.2.3).
const (
	flagReserved   = 0x01
	flagCleanStart = 0x02
	flagWill       = 0x04
	flagWillRetain = 0x20
	flagPassword   = 0x40
	flagUsername   = 0x80
)

// protocolName is the Protocol Name of every CONNECT [MQTT-3.1.2-1].
const protocolName = "MQTT"

// Type returns CONNECT.
func (*Connect) Type() Type { return CONNECT }

func (p *Connect) version(v Version) Version {
	if p.Version != 0 {
		return p.Version
	}
	return v
}

func (p *Connect) flags() byte {
	var f byte
	if p.CleanStart {
		f |= flagCleanStart
	}
	if w := p.Will; w != nil {
		f |= flagWill | byte(w.QoS)<<3
		if w.Retain {
			f |= flagWillRetain
		}
	}
	if p.UsernameFlag {
		f |= flagUsername
	}
	if p.PasswordFlag {
		f |= flagPassword
	}
	return f
}

func (p *Connect) remaining(v Version) int {
	n := 2 + len(protocolName) + 1 + 1 + 2 + 2 + len(p.ClientID)
	if v == V5 {
		n += p.Properties.size()
	}
	if w := p.Will; w != nil {
		n += 2 + len(w.Topic) + 2 + len(w.Payload)
		if v == V5 {
			n += w.Properties.size()
		}
	}
	if p.UsernameFlag {
		n += 2 + len(p.Username)
	}
	if p.PasswordFlag {
		n += 2 + len(p.Password)
	}
	return n
}

// Size returns the encoded size of the packet.
func (p *Connect) Size(v Version) int { return packetSize(p.remaining(p.version(v))) }

// AppendTo appends the packet's wire form.
func (p *Connect) AppendTo(dst []byte, v Version) []byte {
	v = p.version(v)
	dst = appendHeader(dst, CONNECT, 0, p.remaining(v))
	dst = appendString(dst, protocolName)
	dst = append(dst, byte(v), p.flags())
	dst = appendUint16(dst, p.KeepAlive)
	if v == V5 {
		dst = p.Properties.appendTo(dst)
	}
	dst = appendString(dst, p.ClientID)
	if w := p.Will; w != nil {
		if v == V5 {
			dst = w.Properties.appendTo(dst)
		}
		dst = appendBinary(appendString(dst, w.Topic), w.Payload)
	}
	if p.UsernameFlag {
		dst = appendString(dst, p.Username)
	}
	if p.PasswordFlag {
		dst = appendBinary(dst, p.Password)
	}
	return dst
}

var _ Packet = (*Connect)(nil)
