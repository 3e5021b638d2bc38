package packet

import (
	"bytes"
	"encoding/hex"
	"strings"
)

// Fixture is a packet together with its exact wire form in one protocol
// version, worked out by hand from the specification. Codec tests check
// both directions; the broker's tests can replay them over a connection.
type Fixture struct {
	Name    string
	Version Version
	Bytes   []byte
	Packet  Packet
	// DecodeOnly marks bytes that decode to Packet but that AppendTo
	// writes differently: a longer form the specification also allows,
	// or properties in another order.
	DecodeOnly bool
}

// BadFixture is a packet that must fail to decode, with the Reason Code
// the receiver must answer with and a fragment of the error's Reason.
type BadFixture struct {
	Name    string
	Version Version
	Bytes   []byte
	Code    ReasonCode
	Reason  string
}

// mustHex decodes hex digits, ignoring spaces and line breaks; the
// fixtures' bytes are written that way. It panics on anything else.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func fx(name string, v Version, bytes string, p Packet) Fixture {
	return Fixture{Name: name, Version: v, Bytes: mustHex(bytes), Packet: p}
}

// Fixtures returns the well-formed packets, newly built on each call so
// that callers may change them. Bytes are grouped by field.
func Fixtures() []Fixture {
	var all []Fixture
	for _, part := range [][]Fixture{connectFixtures(), connackFixtures(), publishFixtures(),
		ackFixtures(), subscribeFixtures(), controlFixtures(), decodeOnlyFixtures()} {
		all = append(all, part...)
	}
	return all
}

func connectFixtures() []Fixture {
	return []Fixture{
		fx("CONNECT 3.1.1 minimal", V311, "10 0D 0004 4D515454 04 02 003C 0001 61",
			&Connect{Version: V311, CleanStart: true, KeepAlive: 60, ClientID: "a"}),
		fx("CONNECT 3.1.1 will, user name and password", V311,
			"10 20 0004 4D515454 04 EE 001E 0004 64657631 0003 772F74 0003 627965 0001 75 0001 70",
			&Connect{Version: V311, CleanStart: true, KeepAlive: 30, ClientID: "dev1",
				Will:         &Will{QoS: QoS1, Retain: true, Topic: "w/t", Payload: []byte("bye")},
				UsernameFlag: true, Username: "u", PasswordFlag: true, Password: []byte("p")}),
		fx("CONNECT 3.1.1 AWS SDK user name, persistent session", V311,
			"10 1B 0004 4D515454 04 80 04B0 0006 7468696E6731 0007 3F53444B3D476F",
			&Connect{Version: V311, KeepAlive: 1200, ClientID: "thing1", UsernameFlag: true, Username: "?SDK=Go"}),
		fx("CONNECT 5 minimal", V5, "10 0E 0004 4D515454 05 02 003C 00 0001 61",
			&Connect{Version: V5, CleanStart: true, KeepAlive: 60, ClientID: "a"}),
		fx("CONNECT 5 properties and will properties", V5, `10 52 0004 4D515454 05 8E 003C
			19 11 00000E10  17 00  21 0014  22 0008  26 0001 6B 0001 76  27 00020000
			0002 6335
			20 01 01  02 0000003C  03 0001 74  08 0001 72  09 0002 0102  18 0000000A  26 0001 61 0001 62
			0001 77  0001 78  0001 75`,
			&Connect{Version: V5, CleanStart: true, KeepAlive: 60, ClientID: "c5",
				Properties: Properties{SessionExpiryInterval: 3600, ReceiveMaximum: 20, TopicAliasMaximum: 8,
					UserProperties: []UserProperty{{"k", "v"}}, MaximumPacketSize: 131072,
					Explicit: SetOf(PropRequestProblemInformation)},
				Will: &Will{QoS: QoS1, Topic: "w", Payload: []byte("x"), Properties: Properties{
					PayloadFormatIndicator: 1, MessageExpiryInterval: 60, ContentType: "t", ResponseTopic: "r",
					CorrelationData: []byte{1, 2}, WillDelayInterval: 10, UserProperties: []UserProperty{{"a", "b"}}}},
				UsernameFlag: true, Username: "u"}),
		fx("CONNECT 5 password without user name", V5, "10 12 0004 4D515454 05 42 003C 00 0001 61 0002 7077",
			&Connect{Version: V5, CleanStart: true, KeepAlive: 60, ClientID: "a", PasswordFlag: true, Password: []byte("pw")}),
		fx("CONNECT 5 authentication method and data", V5,
			"10 16 0004 4D515454 05 02 003C 08 15 0001 6D 16 0001 AA 0001 61",
			&Connect{Version: V5, CleanStart: true, KeepAlive: 60, ClientID: "a",
				Properties: Properties{AuthenticationMethod: "m", AuthenticationData: []byte{0xAA}}}),
		fx("CONNECT 5 empty client identifier", V5, "10 0D 0004 4D515454 05 00 0000 00 0000",
			&Connect{Version: V5}),
	}
}

func connackFixtures() []Fixture {
	return []Fixture{
		fx("CONNACK 3.1.1 accepted", V311, "20 02 00 00", &Connack{}),
		fx("CONNACK 3.1.1 session present", V311, "20 02 01 00", &Connack{SessionPresent: true}),
		fx("CONNACK 3.1.1 unacceptable protocol version", V311, "20 02 00 01", &Connack{ReasonCode: UnsupportedProtocolVersion}),
		fx("CONNACK 3.1.1 identifier rejected", V311, "20 02 00 02", &Connack{ReasonCode: ClientIdentifierNotValid}),
		fx("CONNACK 3.1.1 server unavailable", V311, "20 02 00 03", &Connack{ReasonCode: ServerUnavailable}),
		fx("CONNACK 3.1.1 bad user name or password", V311, "20 02 00 04", &Connack{ReasonCode: BadUserNameOrPassword}),
		fx("CONNACK 3.1.1 not authorized", V311, "20 02 00 05", &Connack{ReasonCode: NotAuthorized}),
		fx("CONNACK 5 success", V5, "20 03 00 00 00", &Connack{}),
		fx("CONNACK 5 capabilities as AWS IoT sends them", V5, `20 25 00 00 22
			11 00000E10  12 0002 6964  13 04B0  21 0064  22 0008  24 01  25 01  27 00020000  28 01  29 00  2A 01`,
			&Connack{Properties: Properties{SessionExpiryInterval: 3600, AssignedClientIdentifier: "id",
				ServerKeepAlive: 1200, ReceiveMaximum: 100, TopicAliasMaximum: 8, MaximumQoS: 1, RetainAvailable: 1,
				MaximumPacketSize: 131072, WildcardSubscriptionAvailable: 1, SharedSubscriptionAvailable: 1,
				Explicit: SetOf(PropSubscriptionIdentifierAvailable)}}),
		fx("CONNACK 5 use another server", V5, "20 13 00 9C 10 1C 0001 73  1F 0002 6E6F  26 0001 6B 0001 76",
			&Connack{ReasonCode: UseAnotherServer, Properties: Properties{ServerReference: "s", ReasonString: "no",
				UserProperties: []UserProperty{{"k", "v"}}}}),
		fx("CONNACK 5 authentication and response information", V5,
			"20 0F 01 00 0C 15 0001 6D  16 0001 AA  1A 0001 72",
			&Connack{SessionPresent: true, Properties: Properties{AuthenticationMethod: "m",
				AuthenticationData: []byte{0xAA}, ResponseInformation: "r"}}),
	}
}

func publishFixtures() []Fixture {
	long := fx("PUBLISH 3.1.1 two-byte remaining length", V311, "30 C801 0001 74",
		&Publish{Topic: "t", Payload: bytes.Repeat([]byte{'z'}, 197)})
	long.Bytes = append(long.Bytes, bytes.Repeat([]byte{'z'}, 197)...)
	return []Fixture{
		fx("PUBLISH 3.1.1 QoS 0", V311, "30 07 0003 612F62 6869",
			&Publish{Topic: "a/b", Payload: []byte("hi")}),
		fx("PUBLISH 3.1.1 QoS 1 DUP RETAIN", V311, "3B 09 0003 612F62 000A 6869",
			&Publish{Dup: true, QoS: QoS1, Retain: true, Topic: "a/b", PacketID: 10, Payload: []byte("hi")}),
		fx("PUBLISH 3.1.1 QoS 2 empty payload", V311, "34 05 0001 74 FFFF",
			&Publish{QoS: QoS2, Topic: "t", PacketID: 0xFFFF}),
		long,
		fx("PUBLISH 5 QoS 0", V5, "30 08 0003 612F62 00 6869",
			&Publish{Topic: "a/b", Payload: []byte("hi")}),
		fx("PUBLISH 5 QoS 1 every PUBLISH property", V5, `32 33 0003 612F62 0001
			29 01 01  02 0000003C  03 0001 74  08 0001 72  09 0001 63  0B 05  0B 8101  23 0003
			26 0001 6B 0001 76  26 0001 6B 0001 77
			7B7D`,
			&Publish{QoS: QoS1, Topic: "a/b", PacketID: 1, Payload: []byte("{}"), Properties: Properties{
				PayloadFormatIndicator: 1, MessageExpiryInterval: 60, ContentType: "t", ResponseTopic: "r",
				CorrelationData: []byte("c"), SubscriptionIdentifiers: []uint32{5, 129}, TopicAlias: 3,
				UserProperties: []UserProperty{{"k", "v"}, {"k", "w"}}}}),
		fx("PUBLISH 5 Topic Alias instead of a topic", V5, "30 07 0000 03 23 0001 78",
			&Publish{Properties: Properties{TopicAlias: 1}, Payload: []byte("x")}),
		fx("PUBLISH 5 properties present with value zero", V5, "30 0B 0001 74 07 01 00  02 00000000",
			&Publish{Topic: "t", Properties: Properties{
				Explicit: SetOf(PropPayloadFormatIndicator, PropMessageExpiryInterval)}}),
	}
}

func ackFixtures() []Fixture {
	return []Fixture{
		fx("PUBACK 3.1.1", V311, "40 02 000A", &Ack{Kind: PUBACK, PacketID: 10}),
		fx("PUBREC 3.1.1", V311, "50 02 000B", &Ack{Kind: PUBREC, PacketID: 11}),
		fx("PUBREL 3.1.1", V311, "62 02 000C", &Ack{Kind: PUBREL, PacketID: 12}),
		fx("PUBCOMP 3.1.1", V311, "70 02 000D", &Ack{Kind: PUBCOMP, PacketID: 13}),
		fx("PUBACK 5 success, short form", V5, "40 02 000A", &Ack{Kind: PUBACK, PacketID: 10}),
		fx("PUBACK 5 reason code only", V5, "40 03 000A 10",
			&Ack{Kind: PUBACK, PacketID: 10, ReasonCode: NoMatchingSubscribers}),
		fx("PUBACK 5 reason string", V5, "40 09 000A 87 05 1F 0002 6E6F",
			&Ack{Kind: PUBACK, PacketID: 10, ReasonCode: NotAuthorized, Properties: Properties{ReasonString: "no"}}),
		fx("PUBREC 5 quota exceeded", V5, "50 03 000B 97", &Ack{Kind: PUBREC, PacketID: 11, ReasonCode: QuotaExceeded}),
		fx("PUBREL 5 packet identifier not found", V5, "62 03 000C 92",
			&Ack{Kind: PUBREL, PacketID: 12, ReasonCode: PacketIdentifierNotFound}),
		fx("PUBCOMP 5 success with a user property", V5, "70 0B 000D 00 07 26 0001 6B 0001 76",
			&Ack{Kind: PUBCOMP, PacketID: 13, Properties: Properties{UserProperties: []UserProperty{{"k", "v"}}}}),
	}
}

func subscribeFixtures() []Fixture {
	return []Fixture{
		fx("SUBSCRIBE 3.1.1 two filters", V311, "82 0E 0001 0003 612F62 01 0003 632F23 02",
			&Subscribe{PacketID: 1, Subscriptions: []Subscription{{Filter: "a/b", QoS: QoS1}, {Filter: "c/#", QoS: QoS2}}}),
		fx("SUBSCRIBE 5 subscription options and identifier", V5, `82 1E 0002
			0A 0B 8101  26 0001 6B 0001 76
			0001 61 2D  000A 247368617265 2F672F74 10`,
			&Subscribe{PacketID: 2, Properties: Properties{SubscriptionIdentifiers: []uint32{129},
				UserProperties: []UserProperty{{"k", "v"}}},
				Subscriptions: []Subscription{
					{Filter: "a", QoS: QoS1, NoLocal: true, RetainAsPublished: true, RetainHandling: DoNotSendRetained},
					{Filter: "$share/g/t", RetainHandling: SendRetainedIfNew}}}),
		fx("SUBACK 3.1.1", V311, "90 06 0001 00 01 02 80",
			&Suback{PacketID: 1, ReasonCodes: []ReasonCode{GrantedQoS0, GrantedQoS1, GrantedQoS2, UnspecifiedError}}),
		fx("SUBACK 5 with reason string", V5, "90 0B 0002 05 1F 0002 6F6B 01 87 A2",
			&Suback{PacketID: 2, Properties: Properties{ReasonString: "ok"},
				ReasonCodes: []ReasonCode{GrantedQoS1, NotAuthorized, WildcardSubscriptionsNotSupported}}),
		fx("UNSUBSCRIBE 3.1.1", V311, "A2 0A 0003 0003 612F62 0001 23",
			&Unsubscribe{PacketID: 3, Filters: []string{"a/b", "#"}}),
		fx("UNSUBSCRIBE 5 with a user property", V5, "A2 0F 0004 07 26 0001 6B 0001 76 0003 612F62",
			&Unsubscribe{PacketID: 4, Properties: Properties{UserProperties: []UserProperty{{"k", "v"}}}, Filters: []string{"a/b"}}),
		fx("UNSUBACK 3.1.1", V311, "B0 02 0003", &Unsuback{PacketID: 3}),
		fx("UNSUBACK 5", V5, "B0 05 0004 00 00 11",
			&Unsuback{PacketID: 4, ReasonCodes: []ReasonCode{Success, NoSubscriptionExisted}}),
	}
}

func controlFixtures() []Fixture {
	return []Fixture{
		fx("PINGREQ 3.1.1", V311, "C0 00", &Pingreq{}),
		fx("PINGREQ 5", V5, "C0 00", &Pingreq{}),
		fx("PINGRESP 3.1.1", V311, "D0 00", &Pingresp{}),
		fx("PINGRESP 5", V5, "D0 00", &Pingresp{}),
		fx("DISCONNECT 3.1.1", V311, "E0 00", &Disconnect{}),
		fx("DISCONNECT 5 normal, short form", V5, "E0 00", &Disconnect{}),
		fx("DISCONNECT 5 reason code only", V5, "E0 01 8E", &Disconnect{ReasonCode: SessionTakenOver}),
		fx("DISCONNECT 5 with will, session expiry 0 and reason string", V5, "E0 0B 04 09 11 00000000 1F 0001 78",
			&Disconnect{ReasonCode: DisconnectWithWillMessage, Properties: Properties{ReasonString: "x",
				Explicit: SetOf(PropSessionExpiryInterval)}}),
		fx("DISCONNECT 5 server moved", V5, "E0 06 9D 04 1C 0001 73",
			&Disconnect{ReasonCode: ServerMoved, Properties: Properties{ServerReference: "s"}}),
		fx("AUTH 5 success, short form", V5, "F0 00", &Auth{}),
		fx("AUTH 5 continue authentication", V5, "F0 16 18 14 15 0001 6D  16 0002 0102  1F 0001 72  26 0001 6B 0001 76",
			&Auth{ReasonCode: ContinueAuthentication, Properties: Properties{AuthenticationMethod: "m",
				AuthenticationData: []byte{1, 2}, ReasonString: "r", UserProperties: []UserProperty{{"k", "v"}}}}),
	}
}

// decodeOnlyFixtures are legal encodings that AppendTo writes shorter or
// in another order.
func decodeOnlyFixtures() []Fixture {
	all := []Fixture{
		fx("PUBACK 5 success with its reason code", V5, "40 03 000A 00", &Ack{Kind: PUBACK, PacketID: 10}),
		fx("PUBACK 5 success with an empty Property Length", V5, "40 04 000A 00 00", &Ack{Kind: PUBACK, PacketID: 10}),
		fx("DISCONNECT 5 normal with an empty Property Length", V5, "E0 02 00 00", &Disconnect{}),
		fx("PUBLISH 5 properties in descending order", V5, "30 0B 0001 74 07 02 0000003C 01 01",
			&Publish{Topic: "t", Properties: Properties{PayloadFormatIndicator: 1, MessageExpiryInterval: 60}}),
	}
	for i := range all {
		all[i].DecodeOnly = true
	}
	return all
}
