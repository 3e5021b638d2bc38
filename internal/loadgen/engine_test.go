package loadgen

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// TestRun_Pinger checks that an idle connection sends PINGREQ within its
// keep-alive, and that the keep-alive it announces is the configured one.
func TestRun_Pinger(t *testing.T) {
	var pings, keepAlive atomic.Int64
	b := startFakeBroker(t, func(c *fakeConn, cp *packet.Connect) {
		keepAlive.Store(int64(cp.KeepAlive))
		_ = c.send(&packet.Connack{})
		for {
			p, err := c.rd.ReadPacket(c.v)
			if err != nil {
				return
			}
			if p.Type() == packet.PINGREQ {
				pings.Add(1)
				_ = c.send(&packet.Pingresp{})
			}
		}
	})
	cfg := DefaultConfig()
	cfg.URL, cfg.Mode, cfg.Clients, cfg.KeepAlive, cfg.Duration = b.url(), ModeConn, 1, 2*time.Second, 3*time.Second
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if keepAlive.Load() != 2 || pings.Load() == 0 || rep.ErrorCount != 0 {
		t.Errorf("keep-alive %d s, %d PINGREQs, errors %q; want 2 s, some, none", keepAlive.Load(), pings.Load(), rep.Errors)
	}
}

// TestRun_RefusedBy checks that a broker's refusal stops the run before
// the load, with the broker's reason.
func TestRun_RefusedBy(t *testing.T) {
	cases := []struct {
		name  string
		serve func(c *fakeConn, cp *packet.Connect)
		want  string
	}{
		{"connack", func(c *fakeConn, _ *packet.Connect) {
			_ = c.send(&packet.Connack{ReasonCode: packet.NotAuthorized})
		}, "CONNACK: Not authorized"},
		{"suback", func(c *fakeConn, _ *packet.Connect) {
			_ = c.send(&packet.Connack{})
			p, err := c.rd.ReadPacket(c.v)
			if err == nil {
				id := p.(*packet.Subscribe).PacketID
				_ = c.send(&packet.Suback{PacketID: id, ReasonCodes: []packet.ReasonCode{packet.UnspecifiedError}})
			}
		}, "subscribe \"t/+\""},
		{"closed", func(*fakeConn, *packet.Connect) {}, "reading CONNACK"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := startFakeBroker(t, c.serve)
			cfg := DefaultConfig()
			cfg.URL, cfg.Topic, cfg.Duration = b.url(), "t", time.Second
			rep, err := Run(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Run: %v, %+v; want an error containing %q", err, rep, c.want)
			}
		})
	}
}

// TestRun_StrayAndFailedAcks counts PUBACKs that answer nothing, and
// failure codes, without taking them for acknowledgements of what is in
// flight.
func TestRun_StrayAndFailedAcks(t *testing.T) {
	b := startFakeBroker(t, func(c *fakeConn, _ *packet.Connect) {
		_ = c.send(&packet.Connack{})
		for {
			p, err := c.rd.ReadPacket(c.v)
			if err != nil {
				return
			}
			if pub, ok := p.(*packet.Publish); ok {
				_ = c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: 999}) // first, so it is read before the last real one
				_ = c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: pub.PacketID, ReasonCode: packet.NotAuthorized})
			}
		}
	})
	cfg := DefaultConfig()
	cfg.URL, cfg.Mode, cfg.Clients, cfg.QoS, cfg.MQTT = b.url(), ModePub, 1, 1, 5
	cfg.PubRate, cfg.Duration, cfg.Inflight = 50, time.Second, 8
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Messages
	if m.Sent == 0 || m.Acked != m.Sent || m.AckFailures != m.Sent || m.StrayAcks != m.Sent {
		t.Errorf("sent %d, acked %d, failures %d, stray %d; want all equal", m.Sent, m.Acked, m.AckFailures, m.StrayAcks)
	}
}
