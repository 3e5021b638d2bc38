package packet

// size returns the encoded size of p: Property Length plus properties.
func (p *Properties) size() int {
	n := p.bodyLen()
	return varintLen(n) + n
}

// empty reports whether p carries no property at all.
func (p *Properties) empty() bool { return p.bodyLen() == 0 }

// bodyLen returns the encoded size of the properties without the
// Property Length. It mirrors appendBody field by field.
func (p *Properties) bodyLen() int {
	if p.none() {
		return 0
	}
	e := p.Explicit
	n := propLen(e, PropPayloadFormatIndicator, p.PayloadFormatIndicator == 0, 1) +
		propLen(e, PropMessageExpiryInterval, p.MessageExpiryInterval == 0, 4) +
		propLen(e, PropContentType, p.ContentType == "", 2+len(p.ContentType)) +
		propLen(e, PropResponseTopic, p.ResponseTopic == "", 2+len(p.ResponseTopic)) +
		propLen(e, PropCorrelationData, len(p.CorrelationData) == 0, 2+len(p.CorrelationData)) +
		propLen(e, PropSessionExpiryInterval, p.SessionExpiryInterval == 0, 4) +
		propLen(e, PropAssignedClientIdentifier, p.AssignedClientIdentifier == "", 2+len(p.AssignedClientIdentifier)) +
		propLen(e, PropServerKeepAlive, p.ServerKeepAlive == 0, 2) +
		propLen(e, PropAuthenticationMethod, p.AuthenticationMethod == "", 2+len(p.AuthenticationMethod)) +
		propLen(e, PropAuthenticationData, len(p.AuthenticationData) == 0, 2+len(p.AuthenticationData)) +
		propLen(e, PropRequestProblemInformation, p.RequestProblemInformation == 0, 1) +
		propLen(e, PropWillDelayInterval, p.WillDelayInterval == 0, 4) +
		propLen(e, PropRequestResponseInformation, p.RequestResponseInformation == 0, 1) +
		propLen(e, PropResponseInformation, p.ResponseInformation == "", 2+len(p.ResponseInformation)) +
		propLen(e, PropServerReference, p.ServerReference == "", 2+len(p.ServerReference)) +
		propLen(e, PropReasonString, p.ReasonString == "", 2+len(p.ReasonString)) +
		propLen(e, PropReceiveMaximum, p.ReceiveMaximum == 0, 2) +
		propLen(e, PropTopicAliasMaximum, p.TopicAliasMaximum == 0, 2) +
		propLen(e, PropTopicAlias, p.TopicAlias == 0, 2) +
		propLen(e, PropMaximumQoS, p.MaximumQoS == 0, 1) +
		propLen(e, PropRetainAvailable, p.RetainAvailable == 0, 1) +
		propLen(e, PropMaximumPacketSize, p.MaximumPacketSize == 0, 4) +
		propLen(e, PropWildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable == 0, 1) +
		propLen(e, PropSubscriptionIdentifierAvailable, p.SubscriptionIdentifierAvailable == 0, 1) +
		propLen(e, PropSharedSubscriptionAvailable, p.SharedSubscriptionAvailable == 0, 1)
	for _, id := range p.SubscriptionIdentifiers {
		n += 1 + varintLen(int(id))
	}
	for _, u := range p.UserProperties {
		n += 5 + len(u.Key) + len(u.Value)
	}
	return n
}

// none reports cheaply whether p is empty: most packets on the hot path
// carry no property.
func (p *Properties) none() bool {
	bytes := p.PayloadFormatIndicator | p.RequestProblemInformation | p.RequestResponseInformation |
		p.MaximumQoS | p.RetainAvailable | p.WildcardSubscriptionAvailable |
		p.SubscriptionIdentifierAvailable | p.SharedSubscriptionAvailable
	ints := p.MessageExpiryInterval | p.SessionExpiryInterval | p.WillDelayInterval | p.MaximumPacketSize |
		uint32(p.ServerKeepAlive|p.ReceiveMaximum|p.TopicAliasMaximum|p.TopicAlias)
	lengths := len(p.ContentType) | len(p.ResponseTopic) | len(p.CorrelationData) |
		len(p.SubscriptionIdentifiers) | len(p.AssignedClientIdentifier) | len(p.AuthenticationMethod) |
		len(p.AuthenticationData) | len(p.ResponseInformation) | len(p.ServerReference) |
		len(p.ReasonString) | len(p.UserProperties)
	return p.Explicit == 0 && bytes == 0 && ints == 0 && lengths == 0
}

// propLen returns 1+size, the length of a property whose value takes size
// bytes, or 0 when the property is absent: zero and not Explicit.
func propLen(e PropertySet, id PropertyID, zero bool, size int) int {
	if zero && !e.Has(id) {
		return 0
	}
	return 1 + size
}

// appendTo appends the Property Length and the properties.
func (p *Properties) appendTo(dst []byte) []byte {
	return p.appendSized(dst, p.bodyLen())
}

// appendSized is appendTo for a caller that has computed bodyLen.
func (p *Properties) appendSized(dst []byte, n int) []byte {
	dst = appendVarint(dst, n)
	if n == 0 {
		return dst
	}
	return p.appendBody(dst)
}

// appendBody appends the properties in ascending order of identifier, so
// that equal Properties always encode to equal bytes (the order carries
// no meaning, 5.0 §2.2.2.2). User Properties keep their own order.
func (p *Properties) appendBody(dst []byte) []byte {
	e := p.Explicit
	dst = appendByteProp(dst, e, PropPayloadFormatIndicator, p.PayloadFormatIndicator)
	dst = appendUint32Prop(dst, e, PropMessageExpiryInterval, p.MessageExpiryInterval)
	dst = appendStringProp(dst, e, PropContentType, p.ContentType)
	dst = appendStringProp(dst, e, PropResponseTopic, p.ResponseTopic)
	dst = appendBinaryProp(dst, e, PropCorrelationData, p.CorrelationData)
	for _, id := range p.SubscriptionIdentifiers {
		dst = appendVarint(append(dst, byte(PropSubscriptionIdentifier)), int(id))
	}
	dst = appendUint32Prop(dst, e, PropSessionExpiryInterval, p.SessionExpiryInterval)
	dst = appendStringProp(dst, e, PropAssignedClientIdentifier, p.AssignedClientIdentifier)
	dst = appendUint16Prop(dst, e, PropServerKeepAlive, p.ServerKeepAlive)
	dst = appendStringProp(dst, e, PropAuthenticationMethod, p.AuthenticationMethod)
	dst = appendBinaryProp(dst, e, PropAuthenticationData, p.AuthenticationData)
	dst = appendByteProp(dst, e, PropRequestProblemInformation, p.RequestProblemInformation)
	dst = appendUint32Prop(dst, e, PropWillDelayInterval, p.WillDelayInterval)
	dst = appendByteProp(dst, e, PropRequestResponseInformation, p.RequestResponseInformation)
	dst = appendStringProp(dst, e, PropResponseInformation, p.ResponseInformation)
	dst = appendStringProp(dst, e, PropServerReference, p.ServerReference)
	dst = appendStringProp(dst, e, PropReasonString, p.ReasonString)
	dst = appendUint16Prop(dst, e, PropReceiveMaximum, p.ReceiveMaximum)
	dst = appendUint16Prop(dst, e, PropTopicAliasMaximum, p.TopicAliasMaximum)
	dst = appendUint16Prop(dst, e, PropTopicAlias, p.TopicAlias)
	dst = appendByteProp(dst, e, PropMaximumQoS, p.MaximumQoS)
	dst = appendByteProp(dst, e, PropRetainAvailable, p.RetainAvailable)
	for _, u := range p.UserProperties {
		dst = appendString(appendString(append(dst, byte(PropUserProperty)), u.Key), u.Value)
	}
	dst = appendUint32Prop(dst, e, PropMaximumPacketSize, p.MaximumPacketSize)
	dst = appendByteProp(dst, e, PropWildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable)
	dst = appendByteProp(dst, e, PropSubscriptionIdentifierAvailable, p.SubscriptionIdentifierAvailable)
	return appendByteProp(dst, e, PropSharedSubscriptionAvailable, p.SharedSubscriptionAvailable)
}

func appendByteProp(dst []byte, e PropertySet, id PropertyID, v byte) []byte {
	if v == 0 && !e.Has(id) {
		return dst
	}
	return append(dst, byte(id), v)
}

func appendUint16Prop(dst []byte, e PropertySet, id PropertyID, v uint16) []byte {
	if v == 0 && !e.Has(id) {
		return dst
	}
	return appendUint16(append(dst, byte(id)), v)
}

func appendUint32Prop(dst []byte, e PropertySet, id PropertyID, v uint32) []byte {
	if v == 0 && !e.Has(id) {
		return dst
	}
	return appendUint32(append(dst, byte(id)), v)
}

func appendStringProp(dst []byte, e PropertySet, id PropertyID, s string) []byte {
	if s == "" && !e.Has(id) {
		return dst
	}
	return appendString(append(dst, byte(id)), s)
}

func appendBinaryProp(dst []byte, e PropertySet, id PropertyID, b []byte) []byte {
	if len(b) == 0 && !e.Has(id) {
		return dst
	}
	return appendBinary(append(dst, byte(id)), b)
}
