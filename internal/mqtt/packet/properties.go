package packet

import "fmt"

// PropertyID identifies an MQTT 5 property (5.0 §2.2.2.2, Table 2-4).
type PropertyID byte

// The property identifiers of MQTT 5.0.
const (
	PropPayloadFormatIndicator          PropertyID = 0x01
	PropMessageExpiryInterval           PropertyID = 0x02
	PropContentType                     PropertyID = 0x03
	PropResponseTopic                   PropertyID = 0x08
	PropCorrelationData                 PropertyID = 0x09
	PropSubscriptionIdentifier          PropertyID = 0x0B
	PropSessionExpiryInterval           PropertyID = 0x11
	PropAssignedClientIdentifier        PropertyID = 0x12
	PropServerKeepAlive                 PropertyID = 0x13
	PropAuthenticationMethod            PropertyID = 0x15
	PropAuthenticationData              PropertyID = 0x16
	PropRequestProblemInformation       PropertyID = 0x17
	PropWillDelayInterval               PropertyID = 0x18
	PropRequestResponseInformation      PropertyID = 0x19
	PropResponseInformation             PropertyID = 0x1A
	PropServerReference                 PropertyID = 0x1C
	PropReasonString                    PropertyID = 0x1F
	PropReceiveMaximum                  PropertyID = 0x21
	PropTopicAliasMaximum               PropertyID = 0x22
	PropTopicAlias                      PropertyID = 0x23
	PropMaximumQoS                      PropertyID = 0x24
	PropRetainAvailable                 PropertyID = 0x25
	PropUserProperty                    PropertyID = 0x26
	PropMaximumPacketSize               PropertyID = 0x27
	PropWildcardSubscriptionAvailable   PropertyID = 0x28
	PropSubscriptionIdentifierAvailable PropertyID = 0x29
	PropSharedSubscriptionAvailable     PropertyID = 0x2A
)

// propKind is a property's data type (5.0 §1.5).
type propKind byte

const (
	kindByte   propKind = iota + 1 // Byte; every Byte property is 0 or 1
	kindUint16                     // Two Byte Integer
	kindUint32                     // Four Byte Integer
	kindVarint                     // Variable Byte Integer
	kindString                     // UTF-8 Encoded String
	kindBinary                     // Binary Data
	kindPair                       // UTF-8 String Pair
)

// willScope stands for the Will Properties of a CONNECT where a packet
// type would go: bit 0 of propInfo.in, as type 0 is no packet.
const willScope Type = 0

// propInfo is one row of Table 2-4: name, data type, and, as bit t for
// packet type t (bit 0 for Will Properties), where the property may be.
type propInfo struct {
	name string
	kind propKind
	in   uint16
}

const inReason = 1<<CONNACK | 1<<PUBACK | 1<<PUBREC | 1<<PUBREL | 1<<PUBCOMP | 1<<SUBACK |
	1<<UNSUBACK | 1<<DISCONNECT | 1<<AUTH

var properties = [...]propInfo{
	PropPayloadFormatIndicator:          {"Payload Format Indicator", kindByte, 1<<PUBLISH | 1<<willScope},
	PropMessageExpiryInterval:           {"Message Expiry Interval", kindUint32, 1<<PUBLISH | 1<<willScope},
	PropContentType:                     {"Content Type", kindString, 1<<PUBLISH | 1<<willScope},
	PropResponseTopic:                   {"Response Topic", kindString, 1<<PUBLISH | 1<<willScope},
	PropCorrelationData:                 {"Correlation Data", kindBinary, 1<<PUBLISH | 1<<willScope},
	PropSubscriptionIdentifier:          {"Subscription Identifier", kindVarint, 1<<PUBLISH | 1<<SUBSCRIBE},
	PropSessionExpiryInterval:           {"Session Expiry Interval", kindUint32, 1<<CONNECT | 1<<CONNACK | 1<<DISCONNECT},
	PropAssignedClientIdentifier:        {"Assigned Client Identifier", kindString, 1 << CONNACK},
	PropServerKeepAlive:                 {"Server Keep Alive", kindUint16, 1 << CONNACK},
	PropAuthenticationMethod:            {"Authentication Method", kindString, 1<<CONNECT | 1<<CONNACK | 1<<AUTH},
	PropAuthenticationData:              {"Authentication Data", kindBinary, 1<<CONNECT | 1<<CONNACK | 1<<AUTH},
	PropRequestProblemInformation:       {"Request Problem Information", kindByte, 1 << CONNECT},
	PropWillDelayInterval:               {"Will Delay Interval", kindUint32, 1 << willScope},
	PropRequestResponseInformation:      {"Request Response Information", kindByte, 1 << CONNECT},
	PropResponseInformation:             {"Response Information", kindString, 1 << CONNACK},
	PropServerReference:                 {"Server Reference", kindString, 1<<CONNACK | 1<<DISCONNECT},
	PropReasonString:                    {"Reason String", kindString, inReason},
	PropReceiveMaximum:                  {"Receive Maximum", kindUint16, 1<<CONNECT | 1<<CONNACK},
	PropTopicAliasMaximum:               {"Topic Alias Maximum", kindUint16, 1<<CONNECT | 1<<CONNACK},
	PropTopicAlias:                      {"Topic Alias", kindUint16, 1 << PUBLISH},
	PropMaximumQoS:                      {"Maximum QoS", kindByte, 1 << CONNACK},
	PropRetainAvailable:                 {"Retain Available", kindByte, 1 << CONNACK},
	PropUserProperty:                    {"User Property", kindPair, inReason | 1<<CONNECT | 1<<PUBLISH | 1<<willScope | 1<<SUBSCRIBE | 1<<UNSUBSCRIBE},
	PropMaximumPacketSize:               {"Maximum Packet Size", kindUint32, 1<<CONNECT | 1<<CONNACK},
	PropWildcardSubscriptionAvailable:   {"Wildcard Subscription Available", kindByte, 1 << CONNACK},
	PropSubscriptionIdentifierAvailable: {"Subscription Identifier Available", kindByte, 1 << CONNACK},
	PropSharedSubscriptionAvailable:     {"Shared Subscription Available", kindByte, 1 << CONNACK},
}

func (id PropertyID) info() propInfo {
	if int(id) < len(properties) {
		return properties[id]
	}
	return propInfo{}
}

// String returns the property's name as Table 2-4 spells it.
func (id PropertyID) String() string {
	if name := id.info().name; name != "" {
		return name
	}
	return fmt.Sprintf("property 0x%02X", byte(id))
}

// AllowedIn reports whether the property may appear in packets of type t
// (5.0 Table 2-4). Will Properties are not a packet type; see
// AllowedInWill.
func (id PropertyID) AllowedIn(t Type) bool {
	return t != willScope && t < 16 && id.info().in&(1<<t) != 0
}

// AllowedInWill reports whether the property may appear in the Will
// Properties of a CONNECT (5.0 §3.1.3.2).
func (id PropertyID) AllowedInWill() bool { return id.info().in&(1<<willScope) != 0 }

// PropertySet is a set of property identifiers, one bit each.
type PropertySet uint64

// SetOf returns the set of the given identifiers.
func SetOf(ids ...PropertyID) PropertySet {
	var s PropertySet
	for _, id := range ids {
		s |= 1 << (id & 63)
	}
	return s
}

// Has reports whether id is in s.
func (s PropertySet) Has(id PropertyID) bool { return id < 64 && s&(1<<id) != 0 }

// UserProperty is one User Property: a UTF-8 String Pair. A packet keeps
// its User Properties in order, and the same name may appear more than
// once [MQTT-3.3.2-18].
type UserProperty struct {
	Key, Value string
}

// Properties holds the MQTT 5 properties of a packet or of a CONNECT's
// Will (5.0 §2.2.2). Each field is named after its property; which packets
// may carry which is in Table 2-4 (PropertyID.AllowedIn). MQTT 3.1.1 has
// no properties: they are neither read nor written there.
//
// A field's zero value means the property is absent. To send a property
// whose value is zero (Retain Available 0, Maximum QoS 0, Server Keep
// Alive 0, an empty Content Type...), add its identifier to Explicit;
// decoding sets Explicit for exactly the properties present with a zero
// value, so decode and encode round-trip. Byte properties are 0 or 1.
// The defaults that apply to an absent property (Receive Maximum 65,535,
// Maximum QoS 2, Retain Available 1, Request Problem Information 1...) are
// for the caller to apply: Has tells absent from zero.
type Properties struct {
	PayloadFormatIndicator          byte
	MessageExpiryInterval           uint32
	ContentType                     string
	ResponseTopic                   string
	CorrelationData                 []byte
	SubscriptionIdentifiers         []uint32 // one in SUBSCRIBE; one per matching subscription in PUBLISH
	SessionExpiryInterval           uint32
	AssignedClientIdentifier        string
	ServerKeepAlive                 uint16
	AuthenticationMethod            string
	AuthenticationData              []byte
	RequestProblemInformation       byte
	WillDelayInterval               uint32
	RequestResponseInformation      byte
	ResponseInformation             string
	ServerReference                 string
	ReasonString                    string
	ReceiveMaximum                  uint16
	TopicAliasMaximum               uint16
	TopicAlias                      uint16
	MaximumQoS                      byte
	RetainAvailable                 byte
	UserProperties                  []UserProperty
	MaximumPacketSize               uint32
	WildcardSubscriptionAvailable   byte
	SubscriptionIdentifierAvailable byte
	SharedSubscriptionAvailable     byte

	// Explicit lists the properties present although their field holds
	// the zero value.
	Explicit PropertySet
}

// Has reports whether the property is present: its field is non-zero,
// or it is in Explicit. User Property and Subscription Identifier are
// present when their slices are non-empty.
func (p *Properties) Has(id PropertyID) bool {
	if p.Explicit.Has(id) {
		return true
	}
	switch id {
	case PropPayloadFormatIndicator:
		return p.PayloadFormatIndicator != 0
	case PropMessageExpiryInterval:
		return p.MessageExpiryInterval != 0
	case PropContentType:
		return p.ContentType != ""
	case PropResponseTopic:
		return p.ResponseTopic != ""
	case PropCorrelationData:
		return len(p.CorrelationData) != 0
	case PropSubscriptionIdentifier:
		return len(p.SubscriptionIdentifiers) != 0
	case PropSessionExpiryInterval:
		return p.SessionExpiryInterval != 0
	case PropAssignedClientIdentifier:
		return p.AssignedClientIdentifier != ""
	case PropServerKeepAlive:
		return p.ServerKeepAlive != 0
	case PropAuthenticationMethod:
		return p.AuthenticationMethod != ""
	case PropAuthenticationData:
		return len(p.AuthenticationData) != 0
	case PropRequestProblemInformation:
		return p.RequestProblemInformation != 0
	case PropWillDelayInterval:
		return p.WillDelayInterval != 0
	case PropRequestResponseInformation:
		return p.RequestResponseInformation != 0
	case PropResponseInformation:
		return p.ResponseInformation != ""
	case PropServerReference:
		return p.ServerReference != ""
	case PropReasonString:
		return p.ReasonString != ""
	case PropReceiveMaximum:
		return p.ReceiveMaximum != 0
	case PropTopicAliasMaximum:
		return p.TopicAliasMaximum != 0
	case PropTopicAlias:
		return p.TopicAlias != 0
	case PropMaximumQoS:
		return p.MaximumQoS != 0
	case PropRetainAvailable:
		return p.RetainAvailable != 0
	case PropUserProperty:
		return len(p.UserProperties) != 0
	case PropMaximumPacketSize:
		return p.MaximumPacketSize != 0
	case PropWildcardSubscriptionAvailable:
		return p.WildcardSubscriptionAvailable != 0
	case PropSubscriptionIdentifierAvailable:
		return p.SubscriptionIdentifierAvailable != 0
	case PropSharedSubscriptionAvailable:
		return p.SharedSubscriptionAvailable != 0
	}
	return false
}
