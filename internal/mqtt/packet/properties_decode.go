package packet

// decode replaces p with the Property Length and properties read from c:
// those of packet type c.t, or its Will Properties when scope is
// willScope. The rules are 5.0 §2.2.2 and the property's own section:
// an identifier unknown or not allowed there is a Malformed Packet
// (§2.2.2.2); a repeated property (except User Property, and Subscription
// Identifier in PUBLISH) or an out-of-range value is a Protocol Error.
func (p *Properties) decode(c *cursor, scope Type) error {
	*p = Properties{}
	n, err := c.varint("property length")
	if err != nil {
		return err
	}
	if n > len(c.b) {
		return malformed(c.t, "property length %d exceeds the %d bytes left", n, len(c.b))
	}
	pc := cursor{b: c.b[:n:n], t: c.t}
	c.b = c.b[n:]
	var seen PropertySet
	for len(pc.b) > 0 {
		if err := p.decodeOne(&pc, scope, &seen); err != nil {
			return err
		}
	}
	if scope == CONNECT || scope == AUTH {
		return p.checkAuth(scope)
	}
	return nil
}

// where names the property list being decoded, for messages.
func where(t, scope Type) string {
	if scope == willScope {
		return "Will Properties"
	}
	return t.String()
}

func (p *Properties) decodeOne(c *cursor, scope Type, seen *PropertySet) error {
	id := PropertyID(c.b[0])
	c.b = c.b[1:]
	info := id.info()
	switch {
	case info.name == "":
		return malformed(c.t, "unknown property identifier 0x%02X (§2.2.2.2)", byte(id))
	case info.in&(1<<scope) == 0:
		return malformed(c.t, "%s is not allowed in %s (§2.2.2.2)", id, where(c.t, scope))
	case seen.Has(id) && id != PropUserProperty && !(id == PropSubscriptionIdentifier && scope == PUBLISH):
		return protocolError(c.t, "%s appears more than once in %s", id, where(c.t, scope))
	}
	*seen |= 1 << id
	switch info.kind {
	case kindByte:
		v, err := c.byte(info.name)
		if err != nil {
			return err
		}
		return p.setByte(c.t, id, v)
	case kindUint16:
		v, err := c.uint16(info.name)
		if err != nil {
			return err
		}
		return p.setUint16(c.t, id, v)
	case kindUint32:
		v, err := c.uint32(info.name)
		if err != nil {
			return err
		}
		return p.setUint32(c.t, id, v)
	case kindVarint:
		return p.addSubscriptionIdentifier(c)
	case kindString:
		v, err := c.text(info.name)
		if err != nil {
			return err
		}
		return p.setString(c.t, id, v)
	case kindBinary:
		v, err := c.binary(info.name)
		if err != nil {
			return err
		}
		p.setBinary(id, v)
		return nil
	}
	return p.addUserProperty(c)
}

// setByte stores a Byte property. Every Byte property of MQTT 5 takes the
// value 0 or 1, and any other is a Protocol Error (§3.1.2.11.6-7,
// §3.2.2.3.4-5, §3.2.2.3.11-13; §3.3.2.3.2 lists only 0 and 1).
func (p *Properties) setByte(t Type, id PropertyID, v byte) error {
	if v > 1 {
		return protocolError(t, "%s must be 0 or 1, got %d", id, v)
	}
	if v == 0 {
		p.Explicit |= 1 << id
	}
	switch id {
	case PropPayloadFormatIndicator:
		p.PayloadFormatIndicator = v
	case PropRequestProblemInformation:
		p.RequestProblemInformation = v
	case PropRequestResponseInformation:
		p.RequestResponseInformation = v
	case PropMaximumQoS:
		p.MaximumQoS = v
	case PropRetainAvailable:
		p.RetainAvailable = v
	case PropWildcardSubscriptionAvailable:
		p.WildcardSubscriptionAvailable = v
	case PropSubscriptionIdentifierAvailable:
		p.SubscriptionIdentifierAvailable = v
	case PropSharedSubscriptionAvailable:
		p.SharedSubscriptionAvailable = v
	}
	return nil
}

func (p *Properties) setUint16(t Type, id PropertyID, v uint16) error {
	if v == 0 {
		switch id {
		case PropReceiveMaximum:
			return protocolError(t, "Receive Maximum is 0 (§3.1.2.11.3)")
		case PropTopicAlias:
			return protocolError(t, "Topic Alias is 0 [MQTT-3.3.2-8]")
		}
		p.Explicit |= 1 << id
	}
	switch id {
	case PropServerKeepAlive:
		p.ServerKeepAlive = v
	case PropReceiveMaximum:
		p.ReceiveMaximum = v
	case PropTopicAliasMaximum:
		p.TopicAliasMaximum = v
	case PropTopicAlias:
		p.TopicAlias = v
	}
	return nil
}

func (p *Properties) setUint32(t Type, id PropertyID, v uint32) error {
	if v == 0 {
		if id == PropMaximumPacketSize {
			return protocolError(t, "Maximum Packet Size is 0 (§3.1.2.11.4)")
		}
		p.Explicit |= 1 << id
	}
	switch id {
	case PropMessageExpiryInterval:
		p.MessageExpiryInterval = v
	case PropSessionExpiryInterval:
		p.SessionExpiryInterval = v
	case PropWillDelayInterval:
		p.WillDelayInterval = v
	case PropMaximumPacketSize:
		p.MaximumPacketSize = v
	}
	return nil
}

// setString stores a UTF-8 Encoded String property, already validated as
// such. A Response Topic is a Topic Name: not empty [MQTT-4.7.3-1] and
// without wildcards [MQTT-3.3.2-14].
func (p *Properties) setString(t Type, id PropertyID, v []byte) error {
	if id == PropResponseTopic {
		if len(v) == 0 {
			return protocolError(t, "Response Topic is empty [MQTT-4.7.3-1]")
		}
		if hasWildcard(v) {
			return protocolError(t, "Response Topic %q contains a wildcard [MQTT-3.3.2-14]", v)
		}
	}
	if len(v) == 0 {
		p.Explicit |= 1 << id
	}
	s := string(v)
	switch id {
	case PropContentType:
		p.ContentType = s
	case PropResponseTopic:
		p.ResponseTopic = s
	case PropAssignedClientIdentifier:
		p.AssignedClientIdentifier = s
	case PropAuthenticationMethod:
		p.AuthenticationMethod = s
	case PropResponseInformation:
		p.ResponseInformation = s
	case PropServerReference:
		p.ServerReference = s
	case PropReasonString:
		p.ReasonString = s
	}
	return nil
}

func (p *Properties) setBinary(id PropertyID, v []byte) {
	if len(v) == 0 {
		p.Explicit |= 1 << id
	}
	if id == PropCorrelationData {
		p.CorrelationData = v
	} else {
		p.AuthenticationData = v
	}
}

// addSubscriptionIdentifier reads one Subscription Identifier, 1 to
// 268,435,455 (§3.3.2.3.8, §3.8.2.1.2).
func (p *Properties) addSubscriptionIdentifier(c *cursor) error {
	v, err := c.varint("Subscription Identifier")
	if err != nil {
		return err
	}
	if v == 0 {
		return protocolError(c.t, "Subscription Identifier is 0 (§3.8.2.1.2)")
	}
	p.SubscriptionIdentifiers = append(p.SubscriptionIdentifiers, uint32(v))
	return nil
}

// addUserProperty reads a UTF-8 String Pair [MQTT-1.5.7-1].
func (p *Properties) addUserProperty(c *cursor) error {
	k, err := c.string("User Property name")
	if err != nil {
		return err
	}
	v, err := c.string("User Property value")
	if err != nil {
		return err
	}
	p.UserProperties = append(p.UserProperties, UserProperty{Key: k, Value: v})
	return nil
}

// checkAuth applies the rules that tie Authentication Data to an
// Authentication Method in a CONNECT or AUTH (§3.1.2.11.10, §3.15.2.2.2).
func (p *Properties) checkAuth(t Type) error {
	hasMethod := p.Has(PropAuthenticationMethod)
	switch {
	case t == CONNECT && p.Has(PropAuthenticationData) && !hasMethod:
		return protocolError(t, "Authentication Data without an Authentication Method (§3.1.2.11.10)")
	case t == AUTH && !hasMethod:
		return protocolError(t, "AUTH without an Authentication Method (§3.15.2.2.2)")
	}
	return nil
}
