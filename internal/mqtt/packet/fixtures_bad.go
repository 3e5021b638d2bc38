package packet

func bad(name string, v Version, bytes string, code ReasonCode, reason string) BadFixture {
	return BadFixture{Name: name, Version: v, Bytes: mustHex(bytes), Code: code, Reason: reason}
}

// BadFixtures returns packets that break a rule, each with the Reason Code
// the receiver answers with and a fragment of the error's Reason.
func BadFixtures() []BadFixture {
	var all []BadFixture
	for _, part := range [][]BadFixture{badHeaderFixtures(), badConnectFixtures(), badConnect5Fixtures(),
		badConnackFixtures(), badPublishFixtures(), badAckFixtures(), badSubscribeFixtures(), badControlFixtures()} {
		all = append(all, part...)
	}
	return all
}

func badHeaderFixtures() []BadFixture {
	return []BadFixture{
		bad("reserved packet type 0", V311, "00 00", MalformedPacket, "type 0 is reserved"),
		bad("AUTH in 3.1.1", V311, "F0 00", MalformedPacket, "reserved in MQTT 3.1.1"),
		bad("CONNECT flags 0001", V311, "11 0D 0004 4D515454 04 02 003C 0001 61", MalformedPacket, "fixed header flags 0x1, must be 0x0 [MQTT-2.1.3-1]"),
		bad("PUBREL flags 0000", V311, "60 02 000C", MalformedPacket, "flags 0x0, must be 0x2"),
		bad("PUBACK flags 0010", V5, "42 02 000A", MalformedPacket, "flags 0x2, must be 0x0"),
		bad("SUBSCRIBE flags 0000", V311, "80 06 0001 0001 61 00", MalformedPacket, "must be 0x2"),
		bad("UNSUBSCRIBE flags 0000", V5, "A0 06 0001 00 0001 61", MalformedPacket, "must be 0x2"),
		bad("PINGREQ flags 0001", V311, "C1 00", MalformedPacket, "fixed header flags"),
		bad("DISCONNECT flags 1000", V5, "E8 00", MalformedPacket, "fixed header flags"),
		bad("PUBLISH QoS 3", V311, "36 05 0001 74 0001", MalformedPacket, "QoS 3 [MQTT-3.3.1-4]"),
		bad("remaining length of five bytes", V311, "30 FFFFFFFF7F", MalformedPacket, "longer than four bytes"),
		bad("remaining length not in its shortest form", V5, "30 8000", MalformedPacket, "[MQTT-1.5.5-1]"),
	}
}

func badConnectFixtures() []BadFixture {
	return []BadFixture{
		bad("CONNECT protocol name MQIsdp (MQTT 3.1)", V311, "10 0F 0006 4D5149736470 03 02 003C 0001 61",
			UnsupportedProtocolVersion, `Protocol Name "MQIsdp"`),
		bad("CONNECT protocol level 3", V311, "10 0D 0004 4D515454 03 02 003C 0001 61",
			UnsupportedProtocolVersion, "Protocol Level 3 is neither"),
		bad("CONNECT protocol level 6", V311, "10 0D 0004 4D515454 06 02 003C 0001 61",
			UnsupportedProtocolVersion, "[MQTT-3.1.2-2]"),
		bad("CONNECT reserved flag", V311, "10 0D 0004 4D515454 04 03 003C 0001 61", MalformedPacket, "[MQTT-3.1.2-3]"),
		bad("CONNECT Will QoS without the Will Flag", V311, "10 0D 0004 4D515454 04 0A 003C 0001 61",
			MalformedPacket, "Will QoS 1 without the Will Flag [MQTT-3.1.2-11]"),
		bad("CONNECT Will Retain without the Will Flag", V5, "10 0E 0004 4D515454 05 22 003C 00 0001 61",
			MalformedPacket, "[MQTT-3.1.2-13]"),
		bad("CONNECT Will QoS 3", V311, "10 0D 0004 4D515454 04 1E 003C 0001 61", MalformedPacket, "[MQTT-3.1.2-12]"),
		bad("CONNECT 3.1.1 password without user name", V311, "10 10 0004 4D515454 04 42 003C 0001 61 0001 70",
			ProtocolError, "[MQTT-3.1.2-22]"),
		bad("CONNECT 3.1.1 empty client identifier with Clean Session 0", V311, "10 0C 0004 4D515454 04 00 003C 0000",
			ClientIdentifierNotValid, "[MQTT-3.1.3-8]"),
		bad("CONNECT client identifier with U+0000", V311, "10 0D 0004 4D515454 04 02 003C 0001 00",
			MalformedPacket, "Client Identifier contains U+0000 [MQTT-1.5.4-2]"),
		bad("CONNECT client identifier not UTF-8", V311, "10 0D 0004 4D515454 04 02 003C 0001 FF",
			MalformedPacket, "Client Identifier is not well-formed UTF-8 [MQTT-1.5.4-1]"),
		bad("CONNECT client identifier with an encoded surrogate", V311, "10 0F 0004 4D515454 04 02 003C 0003 EDA080",
			MalformedPacket, "[MQTT-1.5.4-1]"),
		bad("CONNECT Will Topic with a wildcard", V311, "10 14 0004 4D515454 04 06 003C 0001 61 0003 612F23 0000",
			ProtocolError, `Will Topic "a/#" contains a wildcard`),
		bad("CONNECT empty Will Topic", V311, "10 11 0004 4D515454 04 06 003C 0001 61 0000 0000",
			ProtocolError, "Will Topic is empty [MQTT-4.7.3-1]"),
		bad("CONNECT trailing byte", V311, "10 0E 0004 4D515454 04 02 003C 0001 61 00", MalformedPacket, "1 unexpected bytes"),
		bad("CONNECT client identifier longer than the packet", V311, "10 0D 0004 4D515454 04 02 003C 0005 61",
			MalformedPacket, "Client Identifier: length 5 exceeds the 1 bytes left"),
		bad("CONNECT truncated Keep Alive", V311, "10 09 0004 4D515454 04 02 00", MalformedPacket, "Keep Alive: need 2 bytes, 1 left"),
		bad("CONNECT user name flag without a user name", V311, "10 0D 0004 4D515454 04 82 003C 0001 61",
			MalformedPacket, "User Name: need a 2-byte length, 0 bytes left"),
	}
}

func badConnect5Fixtures() []BadFixture {
	return []BadFixture{
		bad("CONNECT 5 Topic Alias", V5, "10 11 0004 4D515454 05 02 003C 03 230001 0001 61",
			MalformedPacket, "Topic Alias is not allowed in CONNECT"),
		bad("CONNECT 5 Session Expiry Interval twice", V5, "10 18 0004 4D515454 05 02 003C 0A 110000000A 110000000A 0001 61",
			ProtocolError, "Session Expiry Interval appears more than once"),
		bad("CONNECT 5 Receive Maximum 0", V5, "10 11 0004 4D515454 05 02 003C 03 210000 0001 61",
			ProtocolError, "Receive Maximum is 0"),
		bad("CONNECT 5 Maximum Packet Size 0", V5, "10 13 0004 4D515454 05 02 003C 05 2700000000 0001 61",
			ProtocolError, "Maximum Packet Size is 0"),
		bad("CONNECT 5 Request Problem Information 2", V5, "10 10 0004 4D515454 05 02 003C 02 1702 0001 61",
			ProtocolError, "Request Problem Information must be 0 or 1, got 2"),
		bad("CONNECT 5 Authentication Data without a method", V5, "10 12 0004 4D515454 05 02 003C 04 160001AA 0001 61",
			ProtocolError, "Authentication Data without an Authentication Method"),
		bad("CONNECT 5 Property Length past the end", V5, "10 0E 0004 4D515454 05 02 003C 20 0001 61",
			MalformedPacket, "property length 32 exceeds the 3 bytes left"),
		bad("CONNECT 5 unknown property 0x04", V5, "10 10 0004 4D515454 05 02 003C 02 0400 0001 61",
			MalformedPacket, "unknown property identifier 0x04"),
		bad("CONNECT 5 property identifier 0x80", V5, "10 10 0004 4D515454 05 02 003C 02 8001 0001 61",
			MalformedPacket, "unknown property identifier 0x80"),
		bad("CONNECT 5 Session Expiry Interval among Will Properties", V5,
			"10 19 0004 4D515454 05 06 003C 00 0001 61 05 110000000A 0001 74 0000",
			MalformedPacket, "Session Expiry Interval is not allowed in Will Properties"),
		bad("CONNECT 5 User Property name not UTF-8", V5, "10 14 0004 4D515454 05 02 003C 06 260001FF0000 0001 61",
			MalformedPacket, "User Property name is not well-formed UTF-8"),
		bad("CONNECT 5 Will Payload Format Indicator 2", V5, "10 16 0004 4D515454 05 06 003C 00 0001 61 02 0102 0001 74 0000",
			ProtocolError, "Payload Format Indicator must be 0 or 1"),
		bad("CONNECT 5 Will Response Topic with a wildcard", V5,
			"10 18 0004 4D515454 05 06 003C 00 0001 61 04 08000123 0001 74 0000",
			ProtocolError, "[MQTT-3.3.2-14]"),
	}
}

func badConnackFixtures() []BadFixture {
	return []BadFixture{
		bad("CONNACK 3.1.1 reserved flag bits", V311, "20 02 02 00", MalformedPacket, "[MQTT-3.2.2-1]"),
		bad("CONNACK 3.1.1 return code 6", V311, "20 02 00 06", ProtocolError, "return code 6 is reserved"),
		bad("CONNACK 3.1.1 session present with a refusal", V311, "20 02 01 05", ProtocolError, "Session Present with failure"),
		bad("CONNACK 3.1.1 remaining length 3", V311, "20 03 00 00 00", MalformedPacket, "unexpected bytes"),
		bad("CONNACK 5 reason code of another packet", V5, "20 03 00 10 00", ProtocolError, "is not a CONNACK reason code [MQTT-3.2.2-8]"),
		bad("CONNACK 5 Maximum QoS 2", V5, "20 05 00 00 02 2402", ProtocolError, "Maximum QoS must be 0 or 1"),
		bad("CONNACK 5 without a Property Length", V5, "20 02 00 00", MalformedPacket, "property length"),
	}
}

func badPublishFixtures() []BadFixture {
	return []BadFixture{
		bad("PUBLISH topic with +", V311, "30 05 0003 612B62", ProtocolError, `Topic Name "a+b" contains a wildcard [MQTT-3.3.2-2]`),
		bad("PUBLISH 5 topic #", V5, "30 04 0001 23 00", ProtocolError, "[MQTT-3.3.2-2]"),
		bad("PUBLISH 3.1.1 empty topic", V311, "30 04 0000 6869", ProtocolError, "empty Topic Name"),
		bad("PUBLISH 5 empty topic without a Topic Alias", V5, "30 03 0000 00", ProtocolError, "empty Topic Name without a Topic Alias"),
		bad("PUBLISH QoS 1 Packet Identifier 0", V311, "32 05 0001 74 0000", ProtocolError, "Packet Identifier 0"),
		bad("PUBLISH DUP on QoS 0", V311, "38 03 0001 74", ProtocolError, "[MQTT-3.3.1-2]"),
		bad("PUBLISH topic not UTF-8", V311, "30 03 0001 C3", MalformedPacket, "Topic Name is not well-formed UTF-8"),
		bad("PUBLISH topic with U+0000", V5, "30 06 0003 610062 00", MalformedPacket, "Topic Name contains U+0000"),
		bad("PUBLISH topic longer than the packet", V311, "30 03 0005 61", MalformedPacket, "length 5 exceeds the 1 bytes left"),
		bad("PUBLISH 5 Topic Alias 0", V5, "30 07 0001 74 03 230000", ProtocolError, "[MQTT-3.3.2-8]"),
		bad("PUBLISH 5 Subscription Identifier 0", V5, "30 06 0001 74 02 0B00", ProtocolError, "Subscription Identifier is 0"),
		bad("PUBLISH 5 Response Topic with a wildcard", V5, "30 08 0001 74 04 0800012B", ProtocolError, "[MQTT-3.3.2-14]"),
		bad("PUBLISH 5 Content Type twice", V5, "30 0A 0001 74 06 030000030000", ProtocolError, "Content Type appears more than once"),
		bad("PUBLISH 5 Reason String", V5, "30 07 0001 74 03 1F0000", MalformedPacket, "Reason String is not allowed in PUBLISH"),
		bad("PUBLISH 5 Subscription Identifier of five bytes", V5, "30 0A 0001 74 06 0BFFFFFFFF7F", MalformedPacket, "longer than four bytes"),
		bad("PUBLISH 5 Correlation Data past the properties", V5, "30 08 0001 74 04 09000561", MalformedPacket, "length 5 exceeds the 1 bytes left"),
	}
}

func badAckFixtures() []BadFixture {
	return []BadFixture{
		bad("PUBACK 3.1.1 remaining length 3", V311, "40 03 000A 00", MalformedPacket, "1 unexpected bytes"),
		bad("PUBACK Packet Identifier 0", V5, "40 02 0000", ProtocolError, "Packet Identifier 0 [MQTT-2.2.1-3]"),
		bad("PUBACK remaining length 1", V311, "40 01 00", MalformedPacket, "Packet Identifier: need 2 bytes, 1 left"),
		bad("PUBACK 5 reason code 0x8F", V5, "40 03 000A 8F", ProtocolError, "Topic Filter invalid is not a PUBACK reason code [MQTT-3.4.2-1]"),
		bad("PUBREL 5 reason code 0x10", V5, "62 03 000C 10", ProtocolError, "[MQTT-3.6.2-1]"),
		bad("PUBCOMP 5 User Property value not UTF-8", V5, "70 0B 000D 00 07 26 0001 6B 0001 FF", MalformedPacket, "User Property value is not well-formed"),
		bad("PUBACK 5 Subscription Identifier", V5, "40 06 000A 00 02 0B01", MalformedPacket, "Subscription Identifier is not allowed in PUBACK"),
	}
}

func badSubscribeFixtures() []BadFixture {
	return []BadFixture{
		bad("SUBSCRIBE 3.1.1 no Topic Filter", V311, "82 02 0001", ProtocolError, "no Topic Filter"),
		bad("SUBSCRIBE 5 no Topic Filter", V5, "82 03 0001 00", ProtocolError, "[MQTT-3.8.3-2]"),
		bad("SUBSCRIBE 3.1.1 reserved option bits", V311, "82 06 0001 0001 61 04", MalformedPacket, "[MQTT-3-8.3-4]"),
		bad("SUBSCRIBE 3.1.1 QoS 3", V311, "82 06 0001 0001 61 03", MalformedPacket, "QoS 3"),
		bad("SUBSCRIBE 5 QoS 3", V5, "82 07 0001 00 0001 61 03", ProtocolError, `Maximum QoS 3 for "a"`),
		bad("SUBSCRIBE 5 Retain Handling 3", V5, "82 07 0001 00 0001 61 30", ProtocolError, "Retain Handling 3"),
		bad("SUBSCRIBE 5 reserved option bits", V5, "82 07 0001 00 0001 61 40", MalformedPacket, "[MQTT-3.8.3-5]"),
		bad("SUBSCRIBE 5 two Subscription Identifiers", V5, "82 0B 0001 04 0B01 0B02 0001 61 00",
			ProtocolError, "Subscription Identifier appears more than once"),
		bad("SUBSCRIBE empty Topic Filter", V311, "82 05 0001 0000 00", ProtocolError, "empty Topic Filter"),
		bad("SUBSCRIBE Packet Identifier 0", V311, "82 06 0000 0001 61 00", ProtocolError, "Packet Identifier 0"),
		bad("SUBSCRIBE filter without options", V311, "82 05 0001 0001 61", MalformedPacket, "Subscription Options: need 1 bytes, 0 left"),
		bad("SUBACK 3.1.1 reason code 0x87", V311, "90 03 0001 87", ProtocolError, "[MQTT-3.9.3-2]"),
		bad("SUBACK 5 reason code 0x11", V5, "90 04 0001 00 11", ProtocolError, "is not a SUBACK reason code"),
		bad("SUBACK 5 no reason code", V5, "90 03 0001 00", ProtocolError, "no reason code"),
		bad("UNSUBSCRIBE no Topic Filter", V311, "A2 02 0001", ProtocolError, "[MQTT-3.10.3-2]"),
		bad("UNSUBSCRIBE 5 Subscription Identifier", V5, "A2 08 0001 02 0B01 0001 61", MalformedPacket, "not allowed in UNSUBSCRIBE"),
		bad("UNSUBACK 3.1.1 with a reason code", V311, "B0 03 0001 00", MalformedPacket, "unexpected bytes"),
		bad("UNSUBACK 5 reason code 0x10", V5, "B0 04 0001 00 10", ProtocolError, "[MQTT-3.11.3-2]"),
	}
}

func badControlFixtures() []BadFixture {
	return []BadFixture{
		bad("PINGREQ with a body", V311, "C0 01 00", MalformedPacket, "1 unexpected bytes"),
		bad("PINGRESP with a body", V5, "D0 01 00", MalformedPacket, "unexpected bytes"),
		bad("DISCONNECT 3.1.1 with a reason code", V311, "E0 01 00", MalformedPacket, "unexpected bytes"),
		bad("DISCONNECT 5 reason code 0x10", V5, "E0 01 10", ProtocolError, "[MQTT-3.14.2-1]"),
		bad("DISCONNECT 5 Topic Alias", V5, "E0 05 00 03 230001", MalformedPacket, "Topic Alias is not allowed in DISCONNECT"),
		bad("DISCONNECT 5 Session Expiry Interval twice", V5, "E0 0C 00 0A 1100000001 1100000001",
			ProtocolError, "appears more than once"),
		bad("AUTH 5 reason code 0x87", V5, "F0 02 87 00", ProtocolError, "[MQTT-3.15.2-1]"),
		bad("AUTH 5 without an Authentication Method", V5, "F0 02 18 00", ProtocolError, "AUTH without an Authentication Method"),
		bad("AUTH 5 reason code without a Property Length", V5, "F0 01 18", MalformedPacket, "property length"),
	}
}
