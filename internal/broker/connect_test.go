package broker

import (
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_ServeConn_MQTT_3_1_0_1_FirstPacketMustBeConnect(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V311)
	c.send(&packet.Pingreq{})
	c.expectClosed() // no CONNACK, no PINGRESP
	if st := s.Stats(); st.ProtocolErrors != 1 || st.ConnectsRefused != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestServer_ServeConn_MQTT_3_1_0_2_SecondConnectIsProtocolError(t *testing.T) {
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		t.Run(v.String(), func(t *testing.T) {
			s := newServer(t, nil, nil)
			c := dial(t, s, v, "twice")
			c.send(&packet.Connect{Version: v, ClientID: "twice", CleanStart: true})
			if v == packet.V311 {
				c.expectClosed()
				return
			}
			got := c.expectClosed(packet.DISCONNECT)
			if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.ProtocolError {
				t.Errorf("DISCONNECT %v, want Protocol Error", d.ReasonCode)
			}
		})
	}
}

func TestServer_ServeConn_MQTT_3_1_2_2_UnsupportedProtocolLevel(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V311)
	// CONNECT with Protocol Level 3 (MQTT 3.1): answered in 3.1.1's form.
	c.sendRaw([]byte{0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x03, 0x02, 0x00, 0x3C, 0x00, 0x01, 'a'})
	ack := expect[*packet.Connack](c)
	if ack.ReasonCode != packet.UnsupportedProtocolVersion {
		t.Errorf("CONNACK %v", ack.ReasonCode)
	}
	c.expectClosed()
}

func TestServer_ServeConn_MQTT_3_1_3_8_EmptyClientIDNeedsCleanSession(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V311)
	ack := c.connect(&packet.Connect{ClientID: "", CleanStart: false})
	if ack.ReasonCode != packet.ClientIdentifierNotValid {
		t.Errorf("CONNACK %v, want identifier rejected", ack.ReasonCode)
	}
	c.expectClosed()

	c = pipe(t, s, packet.V311)
	if ack := c.connect(&packet.Connect{ClientID: "", CleanStart: true}); ack.ReasonCode != packet.Success {
		t.Errorf("empty id with Clean Session 1: CONNACK %v, want success [MQTT-3.1.3-7]", ack.ReasonCode)
	}
}

func TestServer_ServeConn_MQTT_3_1_3_7_AssignedClientIdentifier(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V5)
	ack := c.connect(&packet.Connect{ClientID: ""})
	id := ack.Properties.AssignedClientIdentifier
	if ack.ReasonCode != packet.Success || !strings.HasPrefix(id, "hob-") {
		t.Fatalf("CONNACK %v, Assigned Client Identifier %q", ack.ReasonCode, id)
	}
	c2 := pipe(t, s, packet.V5)
	if ack2 := c2.connect(&packet.Connect{ClientID: ""}); ack2.Properties.AssignedClientIdentifier == id {
		t.Errorf("two clients were assigned %q", id)
	}
}

func TestServer_ServeConn_ClientIDLimit(t *testing.T) {
	s := newServer(t, nil, nil)
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		c := pipe(t, s, v)
		ack := c.connect(&packet.Connect{ClientID: strings.Repeat("x", 129), CleanStart: true})
		if ack.ReasonCode != packet.ClientIdentifierNotValid {
			t.Errorf("%v: 129-byte client id: CONNACK %v, want 0x85 (AWS: 128 bytes)", v, ack.ReasonCode)
		}
		c.expectClosed()
	}
	dial(t, s, packet.V5, strings.Repeat("y", 128))
}

func TestServer_ServeConn_ConnectDenied(t *testing.T) {
	auth := newFakeAuth("iot:Connect client/banned")
	auth.refuse["unknown"] = true
	s := newServer(t, auth, nil)
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		for _, id := range []string{"banned", "unknown"} {
			c := pipe(t, s, v)
			ack := c.connect(&packet.Connect{ClientID: id, CleanStart: true})
			if ack.ReasonCode != packet.NotAuthorized { // 3.1.1: return code 5
				t.Errorf("%v %s: CONNACK %v, want Not authorized", v, id, ack.ReasonCode)
			}
			c.expectClosed()
		}
	}
	if st := s.Stats(); st.DeniedConnect != 2 || st.AuthFailures != 2 || st.Connections != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestServer_ServeConn_TLSTransportNeedsCertificate(t *testing.T) {
	auth := newFakeAuth()
	s := newServer(t, auth, nil)
	for _, tr := range []Transport{TransportTLS, TransportALPN} {
		c := pipeOver(t, s, packet.V5, tr) // net.Pipe: no TLS, so no certificate
		ack := c.connect(&packet.Connect{ClientID: "nocert", CleanStart: true})
		if ack.ReasonCode != packet.NotAuthorized {
			t.Errorf("%s: CONNACK %v", tr, ack.ReasonCode)
		}
		c.expectClosed()
	}
	if len(auth.infos) != 0 {
		t.Errorf("Authenticate was asked about a client without a certificate")
	}
}

func TestServer_ServeConn_WillRefusals(t *testing.T) {
	s := newServer(t, newFakeAuth("iot:Publish topic/forbidden"), nil)
	cases := []struct {
		name string
		will packet.Will
		want packet.ReasonCode
	}{
		{"QoS 2 [MQTT-3.2.2-12]", packet.Will{Topic: "w", QoS: 2}, packet.QoSNotSupported},
		{"too many levels", packet.Will{Topic: "a/b/c/d/e/f/g/h/i"}, packet.TopicNameInvalid},
		{"events topic", packet.Will{Topic: "$aws/events/presence/connected/x"}, packet.TopicNameInvalid},
		{"policy", packet.Will{Topic: "forbidden"}, packet.NotAuthorized},
	}
	for _, tc := range cases {
		c := pipe(t, s, packet.V5)
		w := tc.will
		ack := c.connect(&packet.Connect{ClientID: "w", CleanStart: true, Will: &w})
		if ack.ReasonCode != tc.want {
			t.Errorf("%s: CONNACK %v, want %v", tc.name, ack.ReasonCode, tc.want)
		}
		c.expectClosed()
	}
}

func TestServer_ServeConn_EnhancedAuthRefused(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "a", CleanStart: true}
	p.Properties.AuthenticationMethod = "SCRAM-SHA-1"
	if ack := c.connect(p); ack.ReasonCode != packet.BadAuthenticationMethod {
		t.Errorf("CONNACK %v", ack.ReasonCode)
	}
}

func TestServer_ServeConn_ConnackProperties(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "props", CleanStart: true, KeepAlive: 0}
	p.Properties.SessionExpiryInterval = 7 * 24 * 3600
	ack := c.connect(p)
	pr := ack.Properties
	// AWS (spec §4.9): Maximum QoS 1, Topic Alias Maximum 8, keep-alive 0
	// becomes 1200 and the session expiry is capped at 1 hour.
	if pr.MaximumQoS != 1 || pr.TopicAliasMaximum != 8 || pr.ReceiveMaximum != 100 ||
		pr.MaximumPacketSize != 256<<10 || pr.ServerKeepAlive != 1200 || pr.SessionExpiryInterval != 3600 {
		t.Errorf("CONNACK properties %+v", pr)
	}
}

func TestServer_ServeConn_MQTT_3_2_2_21_ServerKeepAlive(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V5)
	ack := c.connect(&packet.Connect{ClientID: "k", CleanStart: true, KeepAlive: 5})
	if !ack.Properties.Has(packet.PropServerKeepAlive) || ack.Properties.ServerKeepAlive != 30 {
		t.Errorf("keep-alive 5 → Server Keep Alive %d, want 30 (AWS minimum)", ack.Properties.ServerKeepAlive)
	}
	c = pipe(t, s, packet.V5)
	if ack := c.connect(&packet.Connect{ClientID: "k2", CleanStart: true, KeepAlive: 60}); ack.Properties.Has(packet.PropServerKeepAlive) {
		t.Errorf("keep-alive 60 was adjusted to %d", ack.Properties.ServerKeepAlive)
	}
}

func TestServer_ServeConn_MQTT_3_1_2_24_KeepAliveTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil, func(c *Config) { c.MinKeepAlive = 0 })
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		c := pipe(t, s, v)
		c.connect(&packet.Connect{ClientID: "idle-" + v.String(), CleanStart: true, KeepAlive: 1})
		start := time.Now()
		var want []packet.Type
		if v == packet.V5 {
			want = []packet.Type{packet.DISCONNECT}
		}
		got := c.expectClosed(want...)
		if el := time.Since(start); el < 1400*time.Millisecond || el > 3*time.Second {
			t.Errorf("%v: closed after %v, want about 1.5 s", v, el)
		}
		if v == packet.V5 && got[0].(*packet.Disconnect).ReasonCode != packet.KeepAliveTimeout {
			t.Errorf("DISCONNECT %v", got[0].(*packet.Disconnect).ReasonCode)
		}
	}
	if n := s.Stats().KeepAliveTimeout; n != 2 {
		t.Errorf("KeepAliveTimeout = %d", n)
	}
}

func TestServer_ServeConn_PingKeepsAlive(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil, func(c *Config) { c.MinKeepAlive = 0 })
	c := pipe(t, s, packet.V311)
	c.connect(&packet.Connect{ClientID: "pinger", CleanStart: true, KeepAlive: 1})
	for range 4 {
		time.Sleep(600 * time.Millisecond)
		c.send(&packet.Pingreq{})
		expect[*packet.Pingresp](c)
	}
}

func TestServer_ServeConn_MQTT_3_1_4_3_TakeoverClosesOldConnection(t *testing.T) {
	s := newServer(t, nil, nil)
	old := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "dup"}
	p.Properties.SessionExpiryInterval = 600
	old.connect(p)
	old.subscribe(1, "t/1")
	oldGot := old.readAll()

	nu := pipe(t, s, packet.V5)
	p2 := &packet.Connect{ClientID: "dup"}
	p2.Properties.SessionExpiryInterval = 600
	ack := nu.connect(p2)
	if !ack.SessionPresent {
		t.Error("the new connection did not get the session [MQTT-3.2.2-3]")
	}
	got := <-oldGot
	if len(got) != 1 || got[0].(*packet.Disconnect).ReasonCode != packet.SessionTakenOver {
		t.Errorf("old connection got %v before closing, want DISCONNECT 0x8E", got)
	}
	// The subscription came with the session.
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("t/1", 1, false, "hello")
	if m := expect[*packet.Publish](nu); string(m.Payload) != "hello" {
		t.Errorf("got %q", m.Payload)
	}
	if n := s.Stats().Takeovers; n != 1 {
		t.Errorf("Takeovers = %d", n)
	}
}

func TestServer_ServeConn_MalformedPacket(t *testing.T) {
	for _, bad := range packet.BadFixtures() {
		if bad.Code == packet.PacketTooLarge || bad.Bytes[0]>>4 == byte(packet.CONNECT) {
			continue
		}
		t.Run(bad.Name, func(t *testing.T) {
			s := newServer(t, nil, nil)
			c := dial(t, s, bad.Version, "bad")
			c.sendRaw(bad.Bytes)
			if bad.Version != packet.V5 {
				c.expectClosed()
				return
			}
			got := c.expectClosed(packet.DISCONNECT)
			if d := got[0].(*packet.Disconnect); d.ReasonCode != bad.Code && !(d.ReasonCode == packet.MalformedPacket && !bad.Code.ValidIn(packet.DISCONNECT)) {
				t.Errorf("DISCONNECT %v, want %v", d.ReasonCode, bad.Code)
			}
		})
	}
}

func TestServer_ServeConn_PacketTooLarge(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxPacketSize = 1024 })
	c := dial(t, s, packet.V5, "big")
	big := (&packet.Publish{Topic: "t", Payload: make([]byte, 2048)}).AppendTo(nil, packet.V5)
	go func() { _, _ = c.nc.Write(big) }() // the broker stops reading after the header
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.PacketTooLarge {
		t.Errorf("DISCONNECT %v", d.ReasonCode)
	}
}
