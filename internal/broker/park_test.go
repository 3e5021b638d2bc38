package broker

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// tcpServer starts a broker serving TCP (TransportDev), whose idle
// connections park after 10 ms, and returns it with its address.
func tcpServer(t *testing.T, edit func(*Config)) (*Server, string) {
	t.Helper()
	s := newServer(t, nil, func(c *Config) {
		c.IdleAfter = 10 * time.Millisecond
		if edit != nil {
			edit(c)
		}
	})
	ln := mustListen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, TransportDev) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, ln.Addr().String()
}

// dialTCP connects a client over TCP and sends CONNECT with keep-alive ka
// seconds; it checks the CONNACK.
func dialTCP(t *testing.T, addr string, v packet.Version, p *packet.Connect) *client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	c := &client{t: t, nc: nc, rd: packet.NewReader(nc, 0), v: v}
	if ack := c.connect(p); ack.ReasonCode != packet.Success {
		t.Fatalf("CONNACK %v", ack.ReasonCode)
	}
	return c
}

// parkedConns counts the connections without a reader goroutine.
func (s *Server) parkedConns() (asleep, writers int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.park.state.Load() == parked {
			asleep++
		}
		c.out.mu.Lock()
		if !c.out.idle {
			writers++
		}
		c.out.mu.Unlock()
	}
	return asleep, writers
}

func waitParked(t *testing.T, s *Server, n int) {
	t.Helper()
	eventually(t, "connections parked with their writers gone", func() bool {
		p, w := s.parkedConns()
		return p >= n && w == 0
	})
}

func TestPark_IdleConnectionResumesForTrafficBothWays(t *testing.T) {
	s, addr := tcpServer(t, nil)
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		sub := dialTCP(t, addr, v, &packet.Connect{ClientID: "sub" + v.String(), CleanStart: true, KeepAlive: 60})
		sub.subscribe(packet.QoS1, "park/"+v.String())
		pub := dialTCP(t, addr, v, &packet.Connect{ClientID: "pub" + v.String(), CleanStart: true, KeepAlive: 60})
		waitParked(t, s, 2)

		// A message for a parked subscriber starts its writer; a packet
		// from a parked publisher resumes its reader.
		if ack := pub.publish("park/"+v.String(), packet.QoS1, false, "hello"); ack.ReasonCode != packet.Success {
			t.Fatalf("PUBACK %v", ack.ReasonCode)
		}
		got := expect[*packet.Publish](sub)
		if string(got.Payload) != "hello" {
			t.Fatalf("got %q", got.Payload)
		}
		sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: got.PacketID})
		waitParked(t, s, 2)
		sub.send(&packet.Pingreq{})
		expect[*packet.Pingresp](sub)
		waitParked(t, s, 2)
		_ = sub.nc.Close()
		_ = pub.nc.Close()
		eventually(t, "connections gone", func() bool { p, _ := s.parkedConns(); return p == 0 })
	}
}

func TestPark_KeepAliveExpiresWhileParked_PublishesWill(t *testing.T) {
	s, addr := tcpServer(t, func(c *Config) { c.MinKeepAlive = time.Second })
	watcher := dialTCP(t, addr, packet.V311, &packet.Connect{ClientID: "watcher", CleanStart: true, KeepAlive: 60})
	watcher.subscribe(packet.QoS0, "will/+")
	quiet := dialTCP(t, addr, packet.V311, &packet.Connect{ClientID: "quiet", CleanStart: true, KeepAlive: 1,
		Will: &packet.Will{Topic: "will/quiet", Payload: []byte("gone")}})
	waitParked(t, s, 2)
	before := s.stats.keepAlive.Load()
	// [MQTT-3.1.2-24]: 1.5 times the keep-alive without a packet ends the
	// connection, parked or not, and the Will goes out.
	quiet.expectClosed()
	got := expect[*packet.Publish](watcher)
	if got.Topic != "will/quiet" || string(got.Payload) != "gone" {
		t.Fatalf("got %s %q", got.Topic, got.Payload)
	}
	if s.stats.keepAlive.Load() != before+1 {
		t.Errorf("keep-alive timeouts counted %d, want %d", s.stats.keepAlive.Load(), before+1)
	}
}

func TestPark_ClientHangsUpWhileParked_WillPublished(t *testing.T) {
	s, addr := tcpServer(t, nil)
	watcher := dialTCP(t, addr, packet.V5, &packet.Connect{ClientID: "watcher", CleanStart: true, KeepAlive: 60})
	watcher.subscribe(packet.QoS0, "will/+")
	gone := dialTCP(t, addr, packet.V5, &packet.Connect{ClientID: "gone", CleanStart: true, KeepAlive: 600,
		Will: &packet.Will{Topic: "will/gone", Payload: []byte("bye")}})
	waitParked(t, s, 2)
	_ = gone.nc.Close()
	if got := expect[*packet.Publish](watcher); got.Topic != "will/gone" {
		t.Fatalf("got %s", got.Topic)
	}
}

func TestPark_TakeoverAndShutdownReachParkedConnections(t *testing.T) {
	s, addr := tcpServer(t, nil)
	old := dialTCP(t, addr, packet.V5, &packet.Connect{ClientID: "dev", CleanStart: true, KeepAlive: 600})
	other := dialTCP(t, addr, packet.V5, &packet.Connect{ClientID: "other", CleanStart: true, KeepAlive: 600})
	waitParked(t, s, 2)
	dialTCP(t, addr, packet.V5, &packet.Connect{ClientID: "dev", CleanStart: true, KeepAlive: 600})
	got := old.expectClosed(packet.DISCONNECT)
	if rc := got[0].(*packet.Disconnect).ReasonCode; rc != packet.SessionTakenOver {
		t.Errorf("takeover DISCONNECT %v, want 0x8E", rc)
	}
	waitParked(t, s, 2)
	closed := make(chan struct{})
	go func() { _ = s.Close(); close(closed) }()
	got = other.expectClosed(packet.DISCONNECT)
	if rc := got[0].(*packet.Disconnect).ReasonCode; rc != packet.ServerShuttingDown {
		t.Errorf("shutdown DISCONNECT %v, want 0x8B", rc)
	}
	select {
	case <-closed:
	case <-time.After(ioTimeout):
		t.Fatal("Close did not return with parked connections")
	}
}

func TestPark_TLSConnectionParksAndResumes(t *testing.T) {
	e := startTLS(t, nil, func(c *Config) { c.IdleAfter = 10 * time.Millisecond })
	var cs []*client
	for _, id := range []string{"a", "b"} {
		nc := e.dialTLS(t, true)
		c := &client{t: t, nc: nc, rd: packet.NewReader(nc, 0), v: packet.V5}
		if ack := c.connect(&packet.Connect{ClientID: id, CleanStart: true, KeepAlive: 60}); ack.ReasonCode != packet.Success {
			t.Fatalf("CONNACK %v", ack.ReasonCode)
		}
		cs = append(cs, c)
	}
	cs[1].subscribe(packet.QoS1, "t/b")
	waitParked(t, e.s, 2)
	for i := range 3 { // a parked TLS reader resumes mid-stream each time
		if ack := cs[0].publish("t/b", packet.QoS1, false, "m"); ack.ReasonCode != packet.Success {
			t.Fatalf("PUBACK %v", ack.ReasonCode)
		}
		got := expect[*packet.Publish](cs[1])
		cs[1].send(&packet.Ack{Kind: packet.PUBACK, PacketID: got.PacketID})
		waitParked(t, e.s, 2)
		if i == 2 {
			break
		}
	}
}

func TestPark_ManyIdleConnectionsHoldNoGoroutines(t *testing.T) {
	s, addr := tcpServer(t, nil)
	const n = 200
	base := runtime.NumGoroutine()
	for i := range n {
		dialTCP(t, addr, packet.V311, &packet.Connect{ClientID: "idle" + string(rune('A'+i%26)) + string(rune('a'+i/26)), CleanStart: true, KeepAlive: 600})
	}
	waitParked(t, s, n)
	// The gauge reads the poller apart from waitParked's look, and a
	// connection may be between its last read and its park at that moment:
	// poll it too.
	eventually(t, fmt.Sprintf("Stats().Parked = %d", n), func() bool { return s.Stats().Parked == n })
	// Each connection would hold two goroutines unparked; allow a few for
	// timers and the runtime.
	if g := runtime.NumGoroutine() - base; g > 10 {
		t.Errorf("%d goroutines more than before %d parked connections", g, n)
	}
}
