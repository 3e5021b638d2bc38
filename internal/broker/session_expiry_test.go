package broker

import (
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// A session whose expiry has passed is over even before the sweep ends
// it: the next CONNECT gets a new session [MQTT-3.1.2-23] (spec §4.4).
func TestServer_Attach_MQTT_3_1_2_23_ExpiredSessionNotResumedBeforeSweep(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.SweepInterval = time.Hour })
	first := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "lapsed"}
	p.Properties.SessionExpiryInterval = 60
	first.connect(p)
	first.subscribe(1, "t/lapsed")
	_ = first.nc.Close()
	var ss *session
	eventually(t, "the session offline", func() bool {
		s.mu.Lock()
		ss = s.sessions["lapsed"]
		s.mu.Unlock()
		return ss != nil && ss.current() == nil
	})
	ss.mu.Lock()
	ss.offline = time.Now().Add(-2 * time.Minute) // as if two minutes had passed
	ss.mu.Unlock()

	again := pipe(t, s, packet.V5)
	p2 := &packet.Connect{ClientID: "lapsed"}
	p2.Properties.SessionExpiryInterval = 60
	if ack := again.connect(p2); ack.SessionPresent {
		t.Fatal("CONNACK Session Present 1 for a session past its expiry")
	}
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("t/lapsed", 1, false, "old subscription")
	again.expectSilence(100 * time.Millisecond)
}
