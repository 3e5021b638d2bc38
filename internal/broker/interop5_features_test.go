package broker

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
)

// MQTT 5 features through paho.golang over TLS with client certificates,
// each subtest named after the normative statement it checks where there
// is one. Every feature runs against a broker with QoS 2 off and on, at
// the highest QoS granted. The subtests share one broker per mode and run
// in parallel, so each uses its own client ids and topics.

// feature5 is one MQTT 5 feature scenario; q is the highest QoS granted.
type feature5 struct {
	name string
	run  func(t *testing.T, e *tlsEnv, q byte)
}

func TestServer_Serve_Paho5Features(t *testing.T) {
	t.Parallel()
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			e := startTLS(t, newFakeAuth("iot:Publish topic/f5/forbidden", "iot:Subscribe topicfilter/f5/forbidden"),
				withQoS2(mode.on, func(c *Config) { c.SweepInterval = 50 * time.Millisecond }))
			for _, f := range slices.Concat(features5Publish, features5Subscribe, features5Session) {
				t.Run(f.name, func(t *testing.T) {
					t.Parallel()
					f.run(t, e, topQoS(mode.on))
				})
			}
		})
	}
}

// ptr returns a pointer to v, for paho.golang's optional properties.
func ptr[T any](v T) *T { return &v }

// writeRaw sends p on c's socket, bypassing paho.golang's own checks, as
// a client that breaks a rule would.
func (c *v5Client) writeRaw(t *testing.T, p packets.Packet) {
	t.Helper()
	if _, err := p.WriteTo(c.conn); err != nil {
		t.Fatal(err)
	}
}

var features5Publish = []feature5{
	{"[MQTT-3.3.2-12] topic alias set, then used alone", func(t *testing.T, e *tlsEnv, q byte) {
		sub := e.mustConnect5(t, "f5aliassub")
		sub.sub(t, q, "f5/alias/#")
		pub := e.mustConnect5(t, "f5aliaspub")
		pub.pubWith(t, &paho.Publish{Topic: "f5/alias/long/name", QoS: q, Payload: []byte("first"),
			Properties: &paho.PublishProperties{TopicAlias: ptr[uint16](8)}})
		pub.pubWith(t, &paho.Publish{QoS: q, Payload: []byte("second"),
			Properties: &paho.PublishProperties{TopicAlias: ptr[uint16](8)}})
		for _, want := range []string{"first", "second"} {
			if m := sub.expectMsg(t, "f5/alias/long/name", want, q, false); m.Properties.TopicAlias != nil {
				t.Errorf("%s delivered with Topic Alias %d; the broker does not use aliases towards clients", want, *m.Properties.TopicAlias)
			}
		}
	}},
	{"[MQTT-3.3.2-9] topic alias above the maximum gets DISCONNECT 0x94", func(t *testing.T, e *tlsEnv, q byte) {
		c, ack := e.mustDial5(t, "f5aliasmax", opts5{clean: true})
		max := *ack.Properties.TopicAliasMaximum
		if max != 8 {
			t.Errorf("CONNACK Topic Alias Maximum %d, want 8 (AWS)", max)
		}
		c.writeRaw(t, &packets.Publish{Topic: "f5/alias/x", QoS: 0, Payload: []byte("x"),
			Properties: &packets.Properties{TopicAlias: ptr(max + 1)}})
		if rc := c.rc(t); rc != 0x94 {
			t.Errorf("DISCONNECT %#x, want 0x94 Topic Alias invalid", rc)
		}
	}},
	{"[MQTT-3.3.2-7] topic aliases do not carry over to a new connection", func(t *testing.T, e *tlsEnv, q byte) {
		first := e.mustConnect5(t, "f5aliasnew")
		first.pubWith(t, &paho.Publish{Topic: "f5/alias/carry", QoS: 1, Payload: []byte("x"),
			Properties: &paho.PublishProperties{TopicAlias: ptr[uint16](1)}})
		_ = first.Disconnect(&paho.Disconnect{})
		c := e.mustConnect5(t, "f5aliasnew")
		c.writeRaw(t, &packets.Publish{QoS: 0, Payload: []byte("x"), Properties: &packets.Properties{TopicAlias: ptr[uint16](1)}})
		if rc := c.rc(t); rc != 0x82 {
			t.Errorf("DISCONNECT %#x, want 0x82 Protocol Error for an unknown alias", rc)
		}
	}},
	{"[MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] properties pass through unaltered", func(t *testing.T, e *tlsEnv, q byte) {
		sub := e.mustConnect5(t, "f5propsub")
		sub.sub(t, q, "f5/props")
		user := paho.UserProperties{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "b", Value: "3"}}
		e.mustConnect5(t, "f5proppub").pubWith(t, &paho.Publish{Topic: "f5/props", QoS: q, Payload: []byte(`{"x":1}`),
			Properties: &paho.PublishProperties{User: user, ResponseTopic: "f5/reply/7", CorrelationData: []byte{0, 1, 0xff},
				ContentType: "application/json", PayloadFormat: ptr[byte](1)}})
		m := sub.expectMsg(t, "f5/props", `{"x":1}`, q, false)
		p := m.Properties
		if !slices.Equal(p.User, user) || p.ResponseTopic != "f5/reply/7" || string(p.CorrelationData) != "\x00\x01\xff" ||
			p.ContentType != "application/json" || p.PayloadFormat == nil || *p.PayloadFormat != 1 {
			t.Errorf("properties %+v (user %v), want them as sent", p, p.User)
		}
	}},
	{"[MQTT-3.3.2-5] expired queued message is not delivered; [MQTT-3.3.2-6] remaining expiry is sent", func(t *testing.T, e *tlsEnv, q byte) {
		c, _ := e.mustDial5(t, "f5expiry", opts5{expiry: 60})
		c.sub(t, q, "f5/expiry")
		_ = c.Disconnect(&paho.Disconnect{})
		e.waitOffline(t, "f5expiry")
		pub := e.mustConnect5(t, "f5expirypub")
		for _, m := range []struct {
			payload string
			expiry  uint32
		}{{"short", 1}, {"long", 60}} {
			pub.pubWith(t, &paho.Publish{Topic: "f5/expiry", QoS: q, Payload: []byte(m.payload),
				Properties: &paho.PublishProperties{MessageExpiry: ptr(m.expiry)}})
		}
		time.Sleep(1100 * time.Millisecond) // the short one's expiry: no event to wait for
		c, _ = e.mustDial5(t, "f5expiry", opts5{expiry: 60})
		m := c.expectMsg(t, "f5/expiry", "long", q, false)
		if me := m.Properties.MessageExpiry; me == nil || *me >= 60 || *me < 50 {
			t.Errorf("Message Expiry Interval %v after a second queued, want 59 or a little less", me)
		}
		expectNothing(t, c.msgs, 100*time.Millisecond, "expired message")
		if st := e.s.Stats(); st.DroppedExpired == 0 {
			t.Error("the expired message was not counted")
		}
	}},
	{"[MQTT-3.1.2-24] [MQTT-3.1.2-25] packets above the client's Maximum Packet Size are dropped", func(t *testing.T, e *tlsEnv, q byte) {
		sub, _ := e.mustDial5(t, "f5maxpkt", opts5{clean: true, maxPacket: 128})
		sub.sub(t, q, "f5/maxpkt")
		pub := e.mustConnect5(t, "f5maxpktpub")
		pub.pub(t, "f5/maxpkt", q, false, strings.Repeat("x", 200))
		pub.pub(t, "f5/maxpkt", q, false, "small")
		sub.expectMsg(t, "f5/maxpkt", "small", q, false) // the large one never came
		if st := e.s.Stats(); st.DroppedTooLarge == 0 {
			t.Error("the dropped message was not counted")
		}
	}},
	{"reason strings on denial, none when Request Problem Information is 0 [MQTT-3.1.2-29]", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect5(t, "f5why")
		r := c.pub(t, "f5/forbidden", q, false, "x")
		if r.ReasonCode != 0x87 || r.Properties == nil || r.Properties.ReasonString == "" {
			t.Errorf("acknowledgement %#x %+v, want 0x87 with a reason string", r.ReasonCode, r.Properties)
		}
		if sa := c.sub(t, q, "f5/forbidden"); sa.Reasons[0] != 0x87 {
			t.Errorf("SUBACK %v, want 0x87", sa.Reasons)
		}
		c.pub(t, "f5/forbidden", 0, false, "x")
		if d := waitFor(t, c.disco, "DISCONNECT"); d.ReasonCode != 0x87 || d.Properties == nil || d.Properties.ReasonString == "" {
			t.Errorf("DISCONNECT %#x %+v, want 0x87 with a reason string", d.ReasonCode, d.Properties)
		}
		quiet, _ := e.mustDial5(t, "f5quiet", opts5{clean: true, noProblem: true})
		if r := quiet.pub(t, "f5/forbidden", q, false, "x"); r.ReasonCode != 0x87 || r.Properties != nil && r.Properties.ReasonString != "" {
			t.Errorf("acknowledgement %#x %+v, want 0x87 without a reason string", r.ReasonCode, r.Properties)
		}
		_, ack, err := e.dial5(t, "f5nocert", opts5{clean: true, withoutTLS: true})
		if err == nil || ack == nil || ack.ReasonCode != 0x87 || ack.Properties == nil || ack.Properties.ReasonString == "" {
			t.Errorf("CONNACK without a certificate %+v (%v), want 0x87 with a reason string", ack, err)
		}
	}},
}

// collect reads n messages from the channels of cs and returns, per
// client, the payloads each got.
func collect(t *testing.T, n int, cs ...*v5Client) [][]string {
	t.Helper()
	got := make([][]string, len(cs))
	deadline := time.After(ioTimeout)
	for range n {
		select {
		case m := <-cs[0].msgs:
			got[0] = append(got[0], string(m.Payload))
		case m := <-cs[1].msgs:
			got[1] = append(got[1], string(m.Payload))
		case <-deadline:
			t.Fatalf("timed out: got %v of %d messages", got, n)
		}
	}
	return got
}
