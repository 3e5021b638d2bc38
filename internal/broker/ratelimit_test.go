package broker

import (
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestRateLimit_Allow_BurstOfOneSecond(t *testing.T) {
	var l rateLimit
	t0 := time.Unix(1000, 0)
	for i, want := range []bool{true, true, false} {
		if got := l.allow(t0, 1, 2); got != want {
			t.Fatalf("request %d at rate 2/s: allow = %v, want %v", i, got, want)
		}
	}
	if !l.allow(t0.Add(500*time.Millisecond), 1, 2) {
		t.Error("refused after half a second at 2/s")
	}
	var big rateLimit
	if !big.allow(t0, 500, 100) || big.allow(t0.Add(time.Second), 1, 100) {
		t.Error("an idle limiter admits one request larger than a second's worth, then waits it out")
	}
	if n := testing.AllocsPerRun(100, func() { l.allow(t0, 1, 2) }); n != 0 {
		t.Errorf("allow allocates %.0f times", n)
	}
}

func TestServer_Publish_RateLimitPerConnection(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxPublishesPerSecond = 5 })
	pub := dial(t, s, packet.V5, "pub")
	for i := range 5 {
		if ack := pub.publish("t", 1, false, "x"); ack.ReasonCode != packet.Success {
			t.Fatalf("publish %d: %v", i, ack.ReasonCode)
		}
	}
	if ack := pub.publish("t", 1, false, "x"); ack.ReasonCode != packet.QuotaExceeded {
		t.Fatalf("6th publish within a second: %v, want 0x97", ack.ReasonCode)
	}
	other := dial(t, s, packet.V5, "other") // the limit is per connection
	if ack := other.publish("t", 1, false, "x"); ack.ReasonCode != packet.Success {
		t.Fatalf("another connection throttled: %v", ack.ReasonCode)
	}
	if n := s.Stats().ThrottledPublishes; n != 1 {
		t.Errorf("ThrottledPublishes = %d, want 1", n)
	}

	v3 := dial(t, s, packet.V311, "v3")
	for range 5 {
		v3.publish("t", 1, false, "x")
	}
	v3.send(&packet.Publish{Topic: "t", QoS: 1, PacketID: 8, Payload: []byte("x")})
	v3.expectClosed() // 3.1.1 cannot say Quota exceeded
}

func TestServer_Publish_ByteRateLimit(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxPublishBytesPerSecond = 100 })
	pub := dial(t, s, packet.V5, "pub")
	big := strings.Repeat("x", 60)
	if ack := pub.publish("t", 1, false, big); ack.ReasonCode != packet.Success {
		t.Fatalf("first 60 bytes: %v", ack.ReasonCode)
	}
	if ack := pub.publish("t", 1, false, big); ack.ReasonCode != packet.QuotaExceeded {
		t.Fatalf("120 bytes within a second at 100 B/s: %v, want 0x97", ack.ReasonCode)
	}
	pub.publish("t", 0, false, big) // QoS 0 has no PUBACK: DISCONNECT 0x97
	got := pub.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.QuotaExceeded {
		t.Errorf("DISCONNECT %v, want 0x97", d.ReasonCode)
	}
}

func TestServer_Publish_RateLimitsOffByDefault(t *testing.T) {
	s := newServer(t, nil, nil)
	pub := dial(t, s, packet.V5, "pub")
	for i := range 300 {
		if ack := pub.publish("t", 1, false, "x"); ack.ReasonCode != packet.Success {
			t.Fatalf("publish %d throttled by default: %v", i, ack.ReasonCode)
		}
	}
}

func TestServer_Connect_RateLimitPerClientID(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxConnectsPerSecond = 1 })
	c, ack := persistent(t, s, packet.V5, "dev")
	if ack.ReasonCode != packet.Success {
		t.Fatalf("first CONNECT: %v", ack.ReasonCode)
	}
	c.send(&packet.Disconnect{})
	c.expectClosed()
	if _, ack = persistent(t, s, packet.V5, "dev"); ack.ReasonCode != packet.QuotaExceeded {
		t.Fatalf("second CONNECT within a second: %v, want 0x97", ack.ReasonCode)
	}
	if _, ack = persistent(t, s, packet.V5, "other"); ack.ReasonCode != packet.Success {
		t.Fatalf("another client id throttled: %v", ack.ReasonCode)
	}
	if n := s.Stats().ThrottledConnects; n != 1 {
		t.Errorf("ThrottledConnects = %d, want 1", n)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, ack = persistent(t, s, packet.V5, "dev"); ack.ReasonCode != packet.Success {
		t.Fatalf("CONNECT after a second: %v", ack.ReasonCode)
	}
}

func TestConfig_Validate_NegativeLimits(t *testing.T) {
	cfg := testConfig()
	cfg.MaxPublishesPerSecond, cfg.MaxConnectsPerSecond, cfg.DenialLogInterval = -1, -1, -time.Second
	err := cfg.Validate()
	for _, field := range []string{"MaxPublishesPerSecond", "MaxConnectsPerSecond", "DenialLogInterval"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate does not report %s: %v", field, err)
		}
	}
}
