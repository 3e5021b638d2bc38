package packet

// Decode decodes a CONNECT body; v is ignored, as the packet states its
// own version. On failure the *Error's Version is the version to answer
// in: the packet's level when it is 4 or 5, else V311.
func (p *Connect) Decode(_ FixedHeader, body []byte, _ Version) error {
	err := p.decode(body)
	if e, ok := err.(*Error); ok {
		e.Version = V311
		if p.Version == V5 {
			e.Version = V5
		}
	}
	return err
}

func (p *Connect) decode(body []byte) error {
	*p = Connect{}
	c := cursor{b: body, t: CONNECT}
	flags, err := p.decodeVariableHeader(&c)
	if err != nil {
		return err
	}
	// [MQTT-3.1.3-1]: Client Identifier, Will, User Name, Password.
	if p.ClientID, err = c.string("Client Identifier"); err != nil {
		return err
	}
	if flags&flagWill != 0 {
		if p.Will, err = decodeWill(&c, p.Version, flags); err != nil {
			return err
		}
	}
	if p.UsernameFlag {
		if p.Username, err = c.string("User Name"); err != nil {
			return err
		}
	}
	if p.PasswordFlag {
		if p.Password, err = c.binary("Password"); err != nil {
			return err
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	if p.Version == V311 && p.ClientID == "" && !p.CleanStart {
		return errorf(ClientIdentifierNotValid, CONNECT, "empty Client Identifier with Clean Session 0 (3.1.1 [MQTT-3.1.3-8])")
	}
	return nil
}

// decodeVariableHeader reads Protocol Name, Protocol Level, Connect
// Flags, Keep Alive and, in 5.0, the properties. It returns the flags.
func (p *Connect) decodeVariableHeader(c *cursor) (byte, error) {
	name, err := c.text("Protocol Name")
	if err != nil {
		return 0, err
	}
	level, err := c.byte("Protocol Level")
	if err != nil {
		return 0, err
	}
	if string(name) != protocolName {
		return 0, errorf(UnsupportedProtocolVersion, CONNECT, "Protocol Name %q is not %q [MQTT-3.1.2-1]", name, protocolName)
	}
	if v := Version(level); v != V311 && v != V5 {
		return 0, errorf(UnsupportedProtocolVersion, CONNECT, "Protocol Level %d is neither 4 (3.1.1) nor 5 (5.0) [MQTT-3.1.2-2]", level)
	}
	p.Version = Version(level)
	flags, err := c.byte("Connect Flags")
	if err != nil {
		return 0, err
	}
	if err := p.setFlags(flags); err != nil {
		return 0, err
	}
	if p.KeepAlive, err = c.uint16("Keep Alive"); err != nil {
		return 0, err
	}
	if p.Version == V5 {
		return flags, p.Properties.decode(c, CONNECT)
	}
	return flags, nil
}

// setFlags checks the Connect Flags (§3.1.2.3-9) and stores the ones that
// are not about the Will.
func (p *Connect) setFlags(f byte) error {
	willQoS := f >> 3 & 3
	switch {
	case f&flagReserved != 0:
		return malformed(CONNECT, "reserved Connect Flags bit 0 is set [MQTT-3.1.2-3]")
	case f&flagWill == 0 && willQoS != 0:
		return malformed(CONNECT, "Will QoS %d without the Will Flag [MQTT-3.1.2-11]", willQoS)
	case f&flagWill == 0 && f&flagWillRetain != 0:
		return malformed(CONNECT, "Will Retain without the Will Flag [MQTT-3.1.2-13]")
	case willQoS == 3:
		return malformed(CONNECT, "Will QoS 3 [MQTT-3.1.2-12]")
	case p.Version == V311 && f&flagPassword != 0 && f&flagUsername == 0:
		return protocolError(CONNECT, "Password Flag without the User Name Flag (3.1.1 [MQTT-3.1.2-22])")
	}
	p.CleanStart = f&flagCleanStart != 0
	p.UsernameFlag = f&flagUsername != 0
	p.PasswordFlag = f&flagPassword != 0
	return nil
}

// decodeWill reads Will Properties (5.0), Will Topic and Will Payload.
func decodeWill(c *cursor, v Version, flags byte) (*Will, error) {
	w := &Will{QoS: QoS(flags >> 3 & 3), Retain: flags&flagWillRetain != 0}
	if v == V5 {
		if err := w.Properties.decode(c, willScope); err != nil {
			return nil, err
		}
	}
	topic, err := c.text("Will Topic")
	if err != nil {
		return nil, err
	}
	if err := checkTopicName(CONNECT, "Will Topic", topic); err != nil {
		return nil, err
	}
	w.Topic = string(topic)
	if w.Payload, err = c.binary("Will Payload"); err != nil {
		return nil, err
	}
	return w, nil
}

// checkTopicName applies the packet layer's rules for a Topic Name: at
// least one character [MQTT-4.7.3-1] and no wildcard [MQTT-3.3.2-2]
// [MQTT-4.7.0-1]. What else a topic must be is package topic's concern.
func checkTopicName(t Type, what string, topic []byte) error {
	if len(topic) == 0 {
		return protocolError(t, "%s is empty [MQTT-4.7.3-1]", what)
	}
	if hasWildcard(topic) {
		return protocolError(t, "%s %q contains a wildcard [MQTT-3.3.2-2]", what, topic)
	}
	return nil
}
