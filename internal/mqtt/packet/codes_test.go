package packet

import (
	"errors"
	"slices"
	"testing"
)

// specCodes lists the reason codes of each packet's own table in the 5.0
// specification (Tables 3-1, 3-4 to 3-11): a transcription independent of
// Table 2-6, which the code uses. Table 2-6 also gives 0x8C to
// DISCONNECT, which Table 3-10 lacks; the decoder accepts it.
var specCodes = map[Type][]byte{
	CONNACK: {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
		0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F},
	PUBACK:   {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99},
	PUBREC:   {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99},
	PUBREL:   {0x00, 0x92},
	PUBCOMP:  {0x00, 0x92},
	SUBACK:   {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2},
	UNSUBACK: {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91},
	DISCONNECT: {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
		0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2},
	AUTH: {0x00, 0x18, 0x19},
}

func TestReasonCode_ValidIn(t *testing.T) {
	for pt := Type(0); pt < 16; pt++ {
		for c := 0; c < 256; c++ {
			want := slices.Contains(specCodes[pt], byte(c))
			if got := ReasonCode(c).ValidIn(pt); got != want {
				t.Errorf("ReasonCode(0x%02X).ValidIn(%s) = %v, want %v", c, pt, got, want)
			}
		}
	}
}

func TestReasonCode_Error_Names(t *testing.T) {
	for _, tc := range []struct {
		code ReasonCode
		in   Type
		want string
	}{
		{MalformedPacket, 0, "Malformed Packet"},
		{ProtocolError, DISCONNECT, "Protocol Error"},
		{WildcardSubscriptionsNotSupported, SUBACK, "Wildcard Subscriptions not supported"},
		{Success, CONNACK, "Success"},
		{NormalDisconnection, DISCONNECT, "Normal disconnection"},
		{GrantedQoS0, SUBACK, "Granted QoS 0"},
		{ReasonCode(0x03), 0, "reason code 0x03"},
		{ReasonCode(0xFF), 0, "reason code 0xFF"},
	} {
		if got := tc.code.NameIn(tc.in); got != tc.want {
			t.Errorf("0x%02X.NameIn(%s) = %q, want %q", byte(tc.code), tc.in, got, tc.want)
		}
	}
	var err error = QuotaExceeded
	var rc ReasonCode
	if err.Error() != "Quota exceeded" || !errors.As(err, &rc) || rc != 0x97 || !rc.IsFailure() || GrantedQoS2.IsFailure() {
		t.Errorf("QuotaExceeded as error: %q, %v", err, rc)
	}
}

// TestConnack_AppendTo_V311Codes checks the 3.1.1 return code each 5.0
// code is sent as (3.1.1 Table 3.1), and that decoding maps it back.
func TestConnack_AppendTo_V311Codes(t *testing.T) {
	for _, tc := range []struct {
		code   ReasonCode
		wire   byte
		decode ReasonCode
	}{
		{Success, 0, Success},
		{UnsupportedProtocolVersion, 1, UnsupportedProtocolVersion},
		{ClientIdentifierNotValid, 2, ClientIdentifierNotValid},
		{ServerUnavailable, 3, ServerUnavailable},
		{ServerBusy, 3, ServerUnavailable},
		{UnspecifiedError, 3, ServerUnavailable},
		{BadUserNameOrPassword, 4, BadUserNameOrPassword},
		{BadAuthenticationMethod, 4, BadUserNameOrPassword},
		{NotAuthorized, 5, NotAuthorized},
		{Banned, 5, NotAuthorized},
	} {
		b := (&Connack{ReasonCode: tc.code}).AppendTo(nil, V311)
		if b[3] != tc.wire {
			t.Errorf("%s: sent as %d, want %d", tc.code, b[3], tc.wire)
		}
		var p Connack
		if err := p.Decode(FixedHeader{Type: CONNACK, Remaining: 2}, b[2:], V311); err != nil || p.ReasonCode != tc.decode {
			t.Errorf("%s: decoded as %s, %v; want %s", tc.code, p.ReasonCode, err, tc.decode)
		}
	}
}

// TestSuback_AppendTo_V311Codes checks that every failure is sent to a
// 3.1.1 client as 0x80 Failure (3.1.1 §3.9.3).
func TestSuback_AppendTo_V311Codes(t *testing.T) {
	p := &Suback{PacketID: 7, ReasonCodes: []ReasonCode{GrantedQoS1, NotAuthorized, QuotaExceeded, GrantedQoS2}}
	if got, want := p.AppendTo(nil, V311), mustHex("90 06 0007 01 80 80 02"); string(got) != string(want) {
		t.Errorf("got % X, want % X", got, want)
	}
}

func TestType_String(t *testing.T) {
	if PUBCOMP.String() != "PUBCOMP" || Type(0).String() != "reserved type 0" || Type(16).String() != "type 16" {
		t.Errorf("got %q %q %q", PUBCOMP, Type(0), Type(16))
	}
	if V311.String() != "3.1.1" || V5.String() != "5.0" || Version(3).String() != "level 3" {
		t.Errorf("got %q %q %q", V311, V5, Version(3))
	}
}
