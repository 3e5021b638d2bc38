package broker

import (
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// identifiedPipe is a server-side net.Pipe end that implements
// IdentifiedConn, as app's WebSocket adapter does.
type identifiedPipe struct {
	net.Conn
	id string
}

func (c identifiedPipe) PrincipalIdentifier() string { return c.id }

var _ IdentifiedConn = identifiedPipe{}

// pipeIdentified connects a client whose connection carries identity id.
func pipeIdentified(t *testing.T, s *Server, id string) *client {
	t.Helper()
	a, b := net.Pipe()
	c := &client{t: t, nc: a, rd: packet.NewReader(a, 0), v: packet.V5, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		s.ServeConn(context.Background(), identifiedPipe{b, id}, TransportWebSocket)
	}()
	t.Cleanup(func() {
		_ = a.Close()
		<-c.done
	})
	return c
}

func TestServer_Events_PrincipalIdentifierFromIdentifiedConn(t *testing.T) {
	s := newServer(t, nil, nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "$aws/events/presence/connected/ws-1")
	const id = "123456789012/AKIDEXAMPLE:alice/AKIDEXAMPLE:alice"
	c := pipeIdentified(t, s, id)
	if ack := c.connect(&packet.Connect{ClientID: "ws-1", CleanStart: true, KeepAlive: 60}); ack.ReasonCode != packet.Success {
		t.Fatalf("CONNACK %v", ack.ReasonCode)
	}
	m := expect[*packet.Publish](watch)
	var ev map[string]any
	if err := json.Unmarshal(m.Payload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev["principalIdentifier"] != id {
		t.Errorf("principalIdentifier %v, want %q", ev["principalIdentifier"], id)
	}
	// Messages the client publishes carry the same identity.
	got := make(chan string, 1)
	if _, err := s.AddConsumer("from/ws", principalRecorder(got)); err != nil {
		t.Fatal(err)
	}
	c.send(&packet.Publish{Topic: "from/ws", QoS: 1, PacketID: 1, Payload: []byte("x")})
	expect[*packet.Ack](c)
	select {
	case p := <-got:
		if p != id {
			t.Errorf("PrincipalID %q, want %q", p, id)
		}
	case <-time.After(ioTimeout):
		t.Fatal("consumer got nothing")
	}
}

// principalRecorder is a Consumer that sends each message's PrincipalID.
type principalRecorder chan string

func (r principalRecorder) Consume(m *Message) { r <- m.PrincipalID }
