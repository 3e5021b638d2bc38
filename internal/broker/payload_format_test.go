package broker

import (
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// utf8Publish is a PUBLISH whose Payload Format Indicator says UTF-8.
func utf8Publish(qos packet.QoS, payload string) *packet.Publish {
	p := &packet.Publish{Topic: "pfi", QoS: qos, Payload: []byte(payload)}
	if qos > 0 {
		p.PacketID = 9
	}
	p.Properties.PayloadFormatIndicator = 1
	p.Properties.Explicit = packet.SetOf(packet.PropPayloadFormatIndicator)
	return p
}

// TestServer_Publish_MQTT_3_3_2_3_2_PayloadFormatInvalid checks that a
// PUBLISH whose Payload Format Indicator is 1 and whose payload is not
// UTF-8 is refused with 0x99 and routed nowhere: PUBACK for QoS 1,
// PUBREC for QoS 2, DISCONNECT for QoS 0.
func TestServer_Publish_MQTT_3_3_2_3_2_PayloadFormatInvalid(t *testing.T) {
	cases := []struct {
		qos  packet.QoS
		kind packet.Type
	}{{packet.QoS1, packet.PUBACK}, {packet.QoS2, packet.PUBREC}}
	for _, tc := range cases {
		t.Run(tc.kind.String(), func(t *testing.T) {
			s := newServer(t, nil, func(c *Config) { c.QoS2 = true })
			sub := dial(t, s, packet.V5, "sub")
			sub.subscribe(1, "pfi")
			pub := dial(t, s, packet.V5, "pub")
			pub.send(utf8Publish(tc.qos, "ok \xff\xfe"))
			ack := expect[*packet.Ack](pub)
			if ack.Kind != tc.kind || ack.ReasonCode != packet.PayloadFormatInvalid || ack.PacketID != 9 {
				t.Fatalf("got %s %v for id %d, want %s 0x99", ack.Kind, ack.ReasonCode, ack.PacketID, tc.kind)
			}
			sub.expectSilence(50 * time.Millisecond)
			pub.send(utf8Publish(packet.QoS1, "héllo")) // valid UTF-8: still connected and accepted
			if ack := expect[*packet.Ack](pub); ack.ReasonCode != packet.Success {
				t.Fatalf("valid UTF-8 answered %v", ack.ReasonCode)
			}
			if m := expect[*packet.Publish](sub); string(m.Payload) != "héllo" || m.Properties.PayloadFormatIndicator != 1 {
				t.Errorf("delivered %q with PFI %d", m.Payload, m.Properties.PayloadFormatIndicator)
			}
			if st := s.Stats(); st.PayloadFormatInvalid != 1 || st.ProtocolErrors != 1 {
				t.Errorf("PayloadFormatInvalid %d, ProtocolErrors %d; want 1, 1", st.PayloadFormatInvalid, st.ProtocolErrors)
			}
		})
	}
	t.Run("DISCONNECT", func(t *testing.T) {
		s := newServer(t, nil, nil)
		pub := dial(t, s, packet.V5, "pub")
		pub.send(utf8Publish(packet.QoS0, "\xc3\x28"))
		got := pub.expectClosed(packet.DISCONNECT)
		if len(got) != 1 || got[0].(*packet.Disconnect).ReasonCode != packet.PayloadFormatInvalid {
			t.Fatalf("got %v before close, want DISCONNECT 0x99", got)
		}
		if st := s.Stats(); st.PayloadFormatInvalid != 1 {
			t.Errorf("PayloadFormatInvalid %d, want 1", st.PayloadFormatInvalid)
		}
	})
}

// TestServer_Publish_PayloadFormatUnspecifiedIsNotChecked checks that
// binary payloads pass when the indicator is absent or 0.
func TestServer_Publish_PayloadFormatUnspecifiedIsNotChecked(t *testing.T) {
	s := newServer(t, nil, nil)
	pub := dial(t, s, packet.V5, "pub")
	p := utf8Publish(packet.QoS1, "\xff")
	p.Properties.PayloadFormatIndicator = 0
	p.Properties.Explicit = 0
	pub.send(p)
	if ack := expect[*packet.Ack](pub); ack.ReasonCode != packet.Success {
		t.Fatalf("binary payload without PFI answered %v", ack.ReasonCode)
	}
}
