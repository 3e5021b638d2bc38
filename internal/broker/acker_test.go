package broker

import (
	"path/filepath"
	"testing"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// PUBACKs keep the order of their PUBLISHes [MQTT-4.6.0-2] while some
// wait for a persistent subscriber's durable writes and others (a refusal,
// a topic nobody subscribes to) could go at once.
func TestServer_Acks_KeepOrderWhileWritesWait(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "hob.db"))
	s, err := New(testConfig(), newFakeAuth("iot:Publish topic/secret"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	sub := pipe(t, s, packet.V311)
	if ack := sub.connect(&packet.Connect{ClientID: "keeper", KeepAlive: 60}); ack.ReasonCode != packet.Success {
		t.Fatalf("CONNACK %v", ack.ReasonCode)
	}
	sub.subscribe(1, "ord/#")

	pub := dial(t, s, packet.V5, "pub")
	var want []uint16
	send := func(id uint16, topic string) {
		pub.send(&packet.Publish{Topic: topic, QoS: 1, PacketID: id, Payload: []byte("x")})
		want = append(want, id)
	}
	for id := uint16(1); id <= 20; id++ {
		send(id, "ord/x") // queued durably for the offline-capable subscriber: the ack waits
	}
	send(21, "secret") // refused: 0x87, in its turn
	send(22, "free/x") // nobody subscribes: nothing to wait for, still in its turn
	for id := uint16(23); id <= 30; id++ {
		send(id, "ord/x")
	}
	for _, id := range want {
		ack := expect[*packet.Ack](pub)
		wantRC := packet.Success
		if id == 21 {
			wantRC = packet.NotAuthorized
		}
		if ack.Kind != packet.PUBACK || ack.PacketID != id || ack.ReasonCode != wantRC {
			t.Fatalf("got %v %d %v, want PUBACK %d %v: out of order", ack.Kind, ack.PacketID, ack.ReasonCode, id, wantRC)
		}
	}
	if got := len(readPayloads(sub)); got != 28 {
		t.Fatalf("the subscriber got %d messages, want 28", got)
	}
}

// Traffic is the cheap view of Stats a live page polls: the same figures.
func TestServer_Traffic_MatchesStats(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := dial(t, s, packet.V311, "t-sub")
	sub.subscribe(1, "tr/#")
	pub := dial(t, s, packet.V5, "t-pub")
	pub.publish("tr/a", 1, false, "x")
	pub.publish("tr/b", 0, false, "y")
	readPayloads(sub)
	conns, in, out := s.Traffic()
	st := s.Stats()
	if conns != st.Connections || conns != 2 || in != st.MessagesIn[0]+st.MessagesIn[1]+st.MessagesIn[2] || in != 2 ||
		out != st.MessagesOut[0]+st.MessagesOut[1]+st.MessagesOut[2] || out != 2 {
		t.Fatalf("Traffic() = %d, %d, %d; Stats() = %+v", conns, in, out, st)
	}
}
