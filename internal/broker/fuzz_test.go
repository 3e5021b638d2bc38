package broker

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// FuzzServer_ServeConn feeds arbitrary bytes to a connection, after a
// valid CONNECT when connect is set, and checks that the broker neither
// panics nor hangs: ServeConn returns once the client has closed.
func FuzzServer_ServeConn(f *testing.F) {
	for _, fx := range packet.Fixtures() {
		f.Add(fx.Version == packet.V5, fx.Packet.Type() != packet.CONNECT, fx.Bytes)
	}
	for _, bad := range packet.BadFixtures() {
		f.Add(bad.Version == packet.V5, true, bad.Bytes)
	}
	sub := (&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{{Filter: "#", QoS: 1}}}).AppendTo(nil, packet.V5)
	pub := (&packet.Publish{Topic: "a", QoS: 1, PacketID: 2, Retain: true, Payload: []byte("x")}).AppendTo(nil, packet.V5)
	f.Add(true, true, append(sub, pub...))
	f.Fuzz(func(t *testing.T, v5, connect bool, data []byte) {
		s, err := New(testConfig(), newFakeAuth("iot:Publish topic/denied"), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			closed := make(chan struct{})
			go func() { _ = s.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("Close did not return")
			}
		}()
		a, b := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeConn(context.Background(), b, TransportDev)
		}()
		go func() { _, _ = io.Copy(io.Discard, a) }()
		var in []byte
		if connect {
			v := packet.V311
			if v5 {
				v = packet.V5
			}
			in = (&packet.Connect{Version: v, ClientID: "fuzz", CleanStart: true, KeepAlive: 30}).AppendTo(nil, v)
		}
		in = append(in, data...)
		_ = a.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = a.Write(in)
		_ = a.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("ServeConn did not return after the client closed")
		}
	})
}
