package packet

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// specAllowed lists, per packet, the properties its section of the 5.0
// specification describes (§3.1.2.11, §3.1.3.2 for the Will, §3.2.2.3,
// §3.3.2.3, ...): a transcription independent of Table 2-4, which the
// code uses.
var specAllowed = map[Type][]PropertyID{
	CONNECT: {PropSessionExpiryInterval, PropReceiveMaximum, PropMaximumPacketSize, PropTopicAliasMaximum,
		PropRequestResponseInformation, PropRequestProblemInformation, PropUserProperty,
		PropAuthenticationMethod, PropAuthenticationData},
	willScope: {PropWillDelayInterval, PropPayloadFormatIndicator, PropMessageExpiryInterval, PropContentType,
		PropResponseTopic, PropCorrelationData, PropUserProperty},
	CONNACK: {PropSessionExpiryInterval, PropReceiveMaximum, PropMaximumQoS, PropRetainAvailable,
		PropMaximumPacketSize, PropAssignedClientIdentifier, PropTopicAliasMaximum, PropReasonString,
		PropUserProperty, PropWildcardSubscriptionAvailable, PropSubscriptionIdentifierAvailable,
		PropSharedSubscriptionAvailable, PropServerKeepAlive, PropResponseInformation, PropServerReference,
		PropAuthenticationMethod, PropAuthenticationData},
	PUBLISH: {PropPayloadFormatIndicator, PropMessageExpiryInterval, PropTopicAlias, PropResponseTopic,
		PropCorrelationData, PropUserProperty, PropSubscriptionIdentifier, PropContentType},
	PUBACK:      {PropReasonString, PropUserProperty},
	PUBREC:      {PropReasonString, PropUserProperty},
	PUBREL:      {PropReasonString, PropUserProperty},
	PUBCOMP:     {PropReasonString, PropUserProperty},
	SUBSCRIBE:   {PropSubscriptionIdentifier, PropUserProperty},
	SUBACK:      {PropReasonString, PropUserProperty},
	UNSUBSCRIBE: {PropUserProperty},
	UNSUBACK:    {PropReasonString, PropUserProperty},
	DISCONNECT:  {PropSessionExpiryInterval, PropReasonString, PropUserProperty, PropServerReference},
	AUTH:        {PropAuthenticationMethod, PropAuthenticationData, PropReasonString, PropUserProperty},
}

// specSample is a valid value for each property, by its data type in
// Table 2-4, as hex.
var specSample = map[PropertyID]string{
	0x01: "01", 0x02: "00000001", 0x03: "0001 78", 0x08: "0001 78", 0x09: "0001 78", 0x0B: "01",
	0x11: "00000001", 0x12: "0001 78", 0x13: "0001", 0x15: "0001 78", 0x16: "0001 78", 0x17: "01",
	0x18: "00000001", 0x19: "01", 0x1A: "0001 78", 0x1C: "0001 78", 0x1F: "0001 78", 0x21: "0001",
	0x22: "0001", 0x23: "0001", 0x24: "01", 0x25: "01", 0x26: "0001 6B 0001 76", 0x27: "00000001",
	0x28: "01", 0x29: "01", 0x2A: "01",
}

// withProperties builds a 5.0 packet of type t (or a CONNECT whose Will
// carries them, for willScope) with props, hex, as its property list.
func withProperties(t Type, props string) []byte {
	p := mustHex(props)
	list := fmt.Sprintf("%X %X", appendVarint(nil, len(p)), p)
	body := map[Type]string{
		CONNECT:     "0004 4D515454 05 02 003C" + list + "0001 61",
		willScope:   "0004 4D515454 05 06 003C 00 0001 61" + list + "0001 74 0000",
		CONNACK:     "00 00" + list,
		PUBLISH:     "0001 74" + list,
		PUBACK:      "0001 00" + list,
		PUBREC:      "0001 00" + list,
		PUBREL:      "0001 00" + list,
		PUBCOMP:     "0001 00" + list,
		SUBSCRIBE:   "0001" + list + "0001 61 00",
		SUBACK:      "0001" + list + "00",
		UNSUBSCRIBE: "0001" + list + "0001 61",
		UNSUBACK:    "0001" + list + "00",
		DISCONNECT:  "00" + list,
		AUTH:        "18" + list,
	}[t]
	b := mustHex(body)
	pt := t
	if t == willScope {
		pt = CONNECT
	}
	return append(appendVarint([]byte{byte(pt)<<4 | pt.requiredFlags()}, len(b)), b...)
}

// authPrefix returns the properties a list must also hold for id to be
// valid there: an Authentication Method, which AUTH always needs and
// which Authentication Data needs in CONNECT.
func authPrefix(scope Type, id PropertyID) string {
	if id != PropAuthenticationMethod && (scope == AUTH || scope == CONNECT && id == PropAuthenticationData) {
		return "15 0001 6D "
	}
	return ""
}

// TestProperties_Decode_AllowedIn decodes every property identifier in
// every packet and in the Will, and checks that exactly the properties
// the specification lists there are accepted, each present after decoding
// and written back unchanged.
func TestProperties_Decode_AllowedIn(t *testing.T) {
	for scope, allowed := range specAllowed {
		for id := PropertyID(0); id <= 0x30; id++ {
			sample, known := specSample[id]
			if !known {
				sample = "00"
			}
			props := fmt.Sprintf("%s%02X %s", authPrefix(scope, id), byte(id), sample)
			in := withProperties(scope, props)
			p, _, err := Decode(in, V5)
			name := fmt.Sprintf("%s in %s", id, where(CONNECT, scope))
			if api := allowedByAPI(scope, id); api != slices.Contains(allowed, id) {
				t.Errorf("%s: AllowedIn or AllowedInWill says %v", name, api)
			}
			switch {
			case !known:
				expectError(t, name, err, MalformedPacket, "unknown property identifier")
			case !slices.Contains(allowed, id):
				expectError(t, name, err, MalformedPacket, "is not allowed in")
			case err != nil:
				t.Errorf("%s: %v", name, err)
			default:
				checkPropertyKept(t, name, scope, id, p, in)
			}
		}
	}
}

func allowedByAPI(scope Type, id PropertyID) bool {
	if scope == willScope {
		return id.AllowedInWill()
	}
	return id.AllowedIn(scope)
}

func checkPropertyKept(t *testing.T, name string, scope Type, id PropertyID, p Packet, in []byte) {
	t.Helper()
	props := diagnostics(p)
	switch p := p.(type) {
	case *Connect:
		props = &p.Properties
		if scope == willScope {
			props = &p.Will.Properties
		}
	case *Publish:
		props = &p.Properties
	case *Subscribe:
		props = &p.Properties
	case *Unsubscribe:
		props = &p.Properties
	}
	if !props.Has(id) {
		t.Errorf("%s: decoded, but Has reports it absent", name)
	}
	if out := p.AppendTo(nil, V5); string(out) != string(in) {
		t.Errorf("%s: AppendTo\n got % X\nwant % X", name, out, in)
	}
}

// TestProperties_Decode_Repeated checks the rule each property's section
// states: "It is a Protocol Error to include ... more than once", except
// for User Property, and Subscription Identifier in PUBLISH (§3.3.2.3.8).
func TestProperties_Decode_Repeated(t *testing.T) {
	for scope, allowed := range specAllowed {
		for _, id := range allowed {
			one := fmt.Sprintf("%02X %s ", byte(id), specSample[id])
			_, _, err := Decode(withProperties(scope, authPrefix(scope, id)+one+one), V5)
			name := fmt.Sprintf("%s twice in %s", id, where(CONNECT, scope))
			if id == PropUserProperty || id == PropSubscriptionIdentifier && scope == PUBLISH {
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			expectError(t, name, err, ProtocolError, "appears more than once")
		}
	}
}

// TestProperties_Has_ZeroValues checks that a property present with the
// value zero is reported present, and written back, through Explicit.
func TestProperties_Has_ZeroValues(t *testing.T) {
	zero := map[PropertyID]string{0x01: "00", 0x02: "00000000", 0x03: "0000", 0x09: "0000", 0x11: "00000000",
		0x12: "0000", 0x13: "0000", 0x15: "0000", 0x16: "0000", 0x17: "00", 0x18: "00000000", 0x19: "00", 0x1A: "0000",
		0x1C: "0000", 0x1F: "0000", 0x22: "0000", 0x24: "00", 0x25: "00", 0x28: "00", 0x29: "00", 0x2A: "00"}
	for scope, allowed := range specAllowed {
		for _, id := range allowed {
			v, ok := zero[id]
			if !ok {
				continue
			}
			name := fmt.Sprintf("%s 0 in %s", id, where(CONNECT, scope))
			in := withProperties(scope, fmt.Sprintf("%s%02X %s", authPrefix(scope, id), byte(id), v))
			p, _, err := Decode(in, V5)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			checkPropertyKept(t, name, scope, id, p, in)
		}
	}
}

func expectError(t *testing.T, name string, err error, code ReasonCode, reason string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Reason, reason) {
		t.Errorf("%s: got %v, want %s containing %q", name, err, code, reason)
	}
}

func TestPropertySet_Has(t *testing.T) {
	s := SetOf(PropPayloadFormatIndicator, PropSharedSubscriptionAvailable)
	for id := PropertyID(0); id < 0x80; id++ {
		want := id == PropPayloadFormatIndicator || id == PropSharedSubscriptionAvailable
		if s.Has(id) != want {
			t.Errorf("Has(%s) = %v", id, !want)
		}
	}
}

func TestPropertyID_String(t *testing.T) {
	if got := PropMaximumPacketSize.String(); got != "Maximum Packet Size" {
		t.Errorf("got %q", got)
	}
	if got := PropertyID(0x04).String(); got != "property 0x04" {
		t.Errorf("got %q", got)
	}
}
