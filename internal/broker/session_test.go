package broker

import (
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// persistent connects id with a session that outlives the connection.
func persistent(t *testing.T, s *Server, v packet.Version, id string) (*client, *packet.Connack) {
	t.Helper()
	c := pipe(t, s, v)
	p := &packet.Connect{ClientID: id, CleanStart: false, KeepAlive: 60}
	if v == packet.V5 {
		p.Properties.SessionExpiryInterval = 3600
	}
	return c, c.connect(p)
}

func TestServer_Session_PersistentKeepsSubscriptionsAndQueue(t *testing.T) {
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		t.Run(v.String(), func(t *testing.T) {
			s := newServer(t, nil, nil)
			c, ack := persistent(t, s, v, "dev")
			if ack.SessionPresent {
				t.Fatal("Session Present on a first connection [MQTT-3.2.2-2]")
			}
			c.subscribe(1, "cmd/#")
			c.send(&packet.Disconnect{})
			c.expectClosed()
			eventually(t, "the session to go offline", func() bool { return s.Stats().Connections == 0 })

			pub := dial(t, s, v, "pub")
			pub.publish("cmd/a", 1, false, "while away")
			pub.publish("cmd/b", 0, false, "qos 0 is not kept") // spec §4.4

			c, ack = persistent(t, s, v, "dev")
			if !ack.SessionPresent {
				t.Fatal("Session Present 0 when resuming [MQTT-3.2.2-3]")
			}
			m := expect[*packet.Publish](c)
			if string(m.Payload) != "while away" || m.QoS != 1 {
				t.Errorf("queued message %+v", m)
			}
			c.expectSilence(50 * time.Millisecond)
		})
	}
}

func TestServer_Session_MQTT_4_4_0_1_ResendUnacknowledgedWithDup(t *testing.T) {
	s := newServer(t, nil, nil)
	c, _ := persistent(t, s, packet.V311, "dev")
	c.subscribe(1, "t")
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("t", 1, false, "m1")
	first := expect[*packet.Publish](c)
	_ = c.nc.Close() // no PUBACK

	c, _ = persistent(t, s, packet.V311, "dev")
	again := expect[*packet.Publish](c)
	if !again.Dup || again.PacketID != first.PacketID || string(again.Payload) != "m1" {
		t.Errorf("resent %+v, want DUP and packet id %d [MQTT-3.3.1-1]", again, first.PacketID)
	}
	c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: again.PacketID})
	c.send(&packet.Disconnect{})
	c.expectClosed()
	c, _ = persistent(t, s, packet.V311, "dev")
	c.expectSilence(50 * time.Millisecond) // acknowledged: not sent again
}

func TestServer_Session_CleanStartDiscards(t *testing.T) {
	s := newServer(t, nil, nil)
	c, _ := persistent(t, s, packet.V5, "dev")
	c.subscribe(1, "t")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	c = pipe(t, s, packet.V5)
	if ack := c.connect(&packet.Connect{ClientID: "dev", CleanStart: true}); ack.SessionPresent {
		t.Error("Clean Start resumed the session [MQTT-3.2.2-2]")
	}
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("t", 1, false, "x")
	c.expectSilence(50 * time.Millisecond)
}

func TestServer_Session_V5ExpiryZeroEndsAtDisconnect(t *testing.T) {
	s := newServer(t, nil, nil)
	c := pipe(t, s, packet.V5)
	c.connect(&packet.Connect{ClientID: "dev"}) // Clean Start 0, no Session Expiry Interval
	c.subscribe(1, "t")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	c = pipe(t, s, packet.V5)
	if ack := c.connect(&packet.Connect{ClientID: "dev"}); ack.SessionPresent {
		t.Error("a session with expiry 0 outlived its connection (spec §4.4)")
	}
}

func TestServer_Session_DisconnectCannotRaiseExpiryFromZero(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "dev")
	d := &packet.Disconnect{}
	d.Properties.SessionExpiryInterval = 60
	c.send(d)
	got := c.expectClosed(packet.DISCONNECT)
	if r := got[0].(*packet.Disconnect).ReasonCode; r != packet.ProtocolError {
		t.Errorf("DISCONNECT %v", r)
	}
}

func TestServer_Session_ExpirySweep(t *testing.T) {
	s := newServer(t, nil, nil)
	c, _ := persistent(t, s, packet.V311, "dev")
	c.subscribe(1, "t")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	eventually(t, "offline session", func() bool { return s.Stats().Connections == 0 })
	s.sweep(time.Now().Add(59 * time.Minute))
	if n := s.Stats().Sessions; n != 1 {
		t.Fatalf("swept before the expiry: %d sessions", n)
	}
	s.sweep(time.Now().Add(61 * time.Minute))
	if n := s.Stats().Sessions; n != 0 {
		t.Fatalf("%d sessions after the expiry", n)
	}
	if n := s.subs.Len(); n != 0 {
		t.Errorf("%d subscriptions left in the index", n)
	}
}

func TestServer_Session_QueueLimit(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxQueuedPerSession = 3 })
	c, _ := persistent(t, s, packet.V311, "dev")
	c.subscribe(1, "t")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	// The client sees the close before the server has taken the session
	// offline; publish only once it has, or a message may still go to the
	// old connection instead of the queue.
	eventually(t, "the session to go offline", func() bool { return s.Stats().Connections == 0 })
	pub := dial(t, s, packet.V311, "pub")
	for range 5 {
		pub.publish("t", 1, false, "x")
	}
	if st := s.Stats(); st.DroppedSessionFull != 2 || st.Queued != 3 {
		t.Errorf("DroppedSessionFull = %d, want 2; Queued = %d, want 3", st.DroppedSessionFull, st.Queued)
	}
	c, _ = persistent(t, s, packet.V311, "dev")
	for range 3 {
		m := expect[*packet.Publish](c)
		c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m.PacketID})
	}
	c.expectSilence(50 * time.Millisecond)
}

func TestServer_Session_NoResumeAcrossVersions(t *testing.T) {
	s := newServer(t, nil, nil)
	c, _ := persistent(t, s, packet.V311, "dev")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	if _, ack := persistent(t, s, packet.V5, "dev"); ack.SessionPresent {
		t.Error("a 3.1.1 session was resumed by MQTT 5 (AWS does not, spec §4.2)")
	}
}

func TestServer_DisconnectPrincipal(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "dev")
	other := dial(t, s, packet.V5, "other")
	s.DisconnectPrincipal("arn:aws:iot:us-east-1:123456789012:cert/dev-cert")
	got := c.expectClosed(packet.DISCONNECT)
	if r := got[0].(*packet.Disconnect).ReasonCode; r != packet.AdministrativeAction {
		t.Errorf("DISCONNECT %v", r)
	}
	other.send(&packet.Pingreq{})
	expect[*packet.Pingresp](other)
}
