package broker

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_Serve_ReturnsNilOnCloseAndCancel(t *testing.T) {
	s := newServer(t, nil, nil)
	for _, stop := range []string{"cancel", "close"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- s.Serve(ctx, ln, TransportDev) }()
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c := &client{t: t, nc: nc, rd: packet.NewReader(nc, 0), v: packet.V5}
		if ack := c.connect(&packet.Connect{ClientID: "tcp-" + stop, CleanStart: true}); ack.ReasonCode != packet.Success {
			t.Fatalf("CONNACK %v", ack.ReasonCode)
		}
		if stop == "cancel" {
			cancel()
		} else {
			_ = s.Close()
		}
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("%s: Serve returned %v", stop, err)
			}
		case <-time.After(ioTimeout):
			t.Fatalf("%s: Serve did not return", stop)
		}
		if stop == "close" {
			got := c.expectClosed(packet.DISCONNECT)
			if rc := got[0].(*packet.Disconnect).ReasonCode; rc != packet.ServerShuttingDown {
				t.Errorf("DISCONNECT %v, want 0x8B", rc)
			}
		}
		cancel()
		_ = nc.Close()
	}
	if err := s.Serve(context.Background(), mustListen(t), TransportDev); err != nil {
		t.Errorf("Serve after Close: %v", err)
	}
}

func mustListen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func TestServer_Close_WaitsForConnections(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V311, "c")
	done := c.readAll()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done: // ServeConn returned before Close did
	default:
		t.Error("Close returned while a connection was still served")
	}
	<-done
	if n := s.Stats().Connections; n != 0 {
		t.Errorf("%d connections after Close", n)
	}
}
