package broker

import (
	"testing"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// A client's messages carry its IP address, for the rules engine's
// sourceip(); in-process messages carry none.
func TestServer_Publish_MessagesCarrySourceIP(t *testing.T) {
	s, addr := tcpServer(t, nil)
	got := make(chan *Message, 2)
	if _, err := s.AddConsumer("ip/#", consumerFunc(func(m *Message) { got <- m })); err != nil {
		t.Fatal(err)
	}
	c := dialTCP(t, addr, packet.V311, &packet.Connect{ClientID: "ip", CleanStart: true, KeepAlive: 60})
	c.publish("ip/tcp", 1, false, "x")
	if m := <-got; m.SourceIP != "127.0.0.1" {
		t.Errorf("SourceIP = %q, want 127.0.0.1", m.SourceIP)
	}
	if err := s.Publish(t.Context(), &Message{Topic: "ip/local", QoS: 0}); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m.SourceIP != "" {
		t.Errorf("in-process SourceIP = %q, want none", m.SourceIP)
	}
}

// consumerFunc adapts a function to Consumer.
type consumerFunc func(*Message)

func (f consumerFunc) Consume(m *Message) { f(m) }
