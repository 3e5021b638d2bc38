package broker

import (
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// withWill connects id with a Will on topic "last/{id}".
func withWill(t *testing.T, s *Server, v packet.Version, id string, edit func(*packet.Connect)) *client {
	t.Helper()
	c := pipe(t, s, v)
	p := &packet.Connect{ClientID: id, CleanStart: true, KeepAlive: 60,
		Will: &packet.Will{Topic: "last/" + id, QoS: 1, Payload: []byte(id + " is gone")}}
	if edit != nil {
		edit(p)
	}
	if ack := c.connect(p); ack.ReasonCode != packet.Success {
		t.Fatalf("CONNACK %v", ack.ReasonCode)
	}
	return c
}

func TestServer_Will_PublishedOnConnectionLoss(t *testing.T) {
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		s := newServer(t, nil, nil)
		watch := dial(t, s, packet.V5, "watch")
		watch.subscribe(1, "last/+")
		c := withWill(t, s, v, "dev", nil)
		_ = c.nc.Close()
		m := expect[*packet.Publish](watch)
		if m.Topic != "last/dev" || string(m.Payload) != "dev is gone" || m.QoS != 1 {
			t.Errorf("%v: will %+v", v, m)
		}
	}
}

func TestServer_Will_MQTT_3_14_4_3_NotOnNormalDisconnect(t *testing.T) {
	s := newServer(t, nil, nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "last/+")
	c := withWill(t, s, packet.V5, "polite", nil)
	c.send(&packet.Disconnect{ReasonCode: packet.NormalDisconnection})
	c.expectClosed()
	watch.expectSilence(100 * time.Millisecond)

	c = withWill(t, s, packet.V5, "asks", nil)
	c.send(&packet.Disconnect{ReasonCode: packet.DisconnectWithWillMessage})
	c.expectClosed()
	if m := expect[*packet.Publish](watch); m.Topic != "last/asks" {
		t.Errorf("got %q, want the will after DISCONNECT 0x04", m.Topic)
	}
}

func TestServer_Will_MQTT_3_1_3_9_DelayCancelledByReconnect(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil, nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "last/+")
	delayed := func(p *packet.Connect) {
		p.CleanStart = false
		p.Properties.SessionExpiryInterval = 600
		p.Will.Properties.WillDelayInterval = 1
	}
	c := withWill(t, s, packet.V5, "flaky", delayed)
	_ = c.nc.Close()
	withWill(t, s, packet.V5, "flaky", delayed) // back within the delay
	watch.expectSilence(1500 * time.Millisecond)

	c = withWill(t, s, packet.V5, "gone", delayed)
	_ = c.nc.Close()
	start := time.Now()
	m := expect[*packet.Publish](watch)
	if m.Topic != "last/gone" || time.Since(start) < 800*time.Millisecond {
		t.Errorf("will %q after %v, want it after the 1 s delay", m.Topic, time.Since(start))
	}
}

func TestServer_Will_Retained(t *testing.T) {
	s := newServer(t, nil, nil)
	c := withWill(t, s, packet.V311, "dev", func(p *packet.Connect) { p.Will.Retain = true })
	_ = c.nc.Close()
	eventually(t, "retained will", func() bool { _, ok := s.GetRetained("last/dev"); return ok })
	late := dial(t, s, packet.V311, "late")
	late.subscribe(1, "last/dev")
	if m := expect[*packet.Publish](late); !m.Retain || string(m.Payload) != "dev is gone" {
		t.Errorf("retained will %+v", m)
	}
}

func TestServer_Will_OnTakeover(t *testing.T) {
	s := newServer(t, nil, nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "last/+")
	old := withWill(t, s, packet.V311, "dup", nil)
	done := old.readAll()
	dial(t, s, packet.V311, "dup")
	<-done
	if m := expect[*packet.Publish](watch); m.Topic != "last/dup" {
		t.Errorf("got %q; AWS publishes the will of a connection closed by takeover (spec §4.6)", m.Topic)
	}
}
