package broker

import (
	"fmt"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// roomSetup connects a subscriber of "room/t" at QoS 1 that takes one
// message at a time (Receive Maximum 1) and a publisher, on a broker
// whose sessions queue at most 2 messages.
func roomSetup(t *testing.T, backpressure time.Duration) (s *Server, sub, pub *client) {
	s = newServer(t, nil, func(c *Config) {
		c.MaxQueuedPerSession = 2
		c.PublishBackpressure = backpressure
	})
	sub = pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "slow", CleanStart: true}
	p.Properties.ReceiveMaximum = 1
	sub.connect(p)
	sub.subscribe(1, "room/t")
	return s, sub, dial(t, s, packet.V5, "fast")
}

// publishAll publishes n QoS 1 messages on its own goroutine, each after
// the previous PUBACK, and closes the returned channel when done.
func publishAll(pub *client, n int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			pub.send(&packet.Publish{Topic: "room/t", QoS: 1, PacketID: uint16(i + 1), Payload: []byte(fmt.Sprint(i))})
			if _, err := pub.tryNext(ioTimeout); err != nil {
				return
			}
		}
	}()
	return done
}

func TestSession_Deliver_QoS1BackpressureLosesNothingToAReader(t *testing.T) {
	s, sub, pub := roomSetup(t, ioTimeout)
	const n = 8
	done := publishAll(pub, n)
	for i := range n {
		m := expect[*packet.Publish](sub)
		if string(m.Payload) != fmt.Sprint(i) {
			t.Fatalf("message %d: got %q", i, m.Payload)
		}
		sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m.PacketID})
	}
	<-done
	if d := s.Stats().DroppedSessionFull; d != 0 {
		t.Errorf("%d messages dropped for a full session queue, want 0: the publisher should have waited", d)
	}
}

func TestSession_Deliver_QoS1WithoutBackpressureDropsAtTheBound(t *testing.T) {
	s, _, pub := roomSetup(t, 0)
	<-publishAll(pub, 8)
	// One in flight, two waiting, five dropped.
	if d := s.Stats().DroppedSessionFull; d != 5 {
		t.Errorf("DroppedSessionFull = %d, want 5", d)
	}
}

func TestSession_Deliver_QoS1StalledSubscriberCostsOneWait(t *testing.T) {
	s, _, pub := roomSetup(t, 50*time.Millisecond)
	<-publishAll(pub, 8)
	if d := s.Stats().DroppedSessionFull; d != 5 {
		t.Errorf("DroppedSessionFull = %d, want 5", d)
	}
	s.mu.Lock()
	ss := s.sessions["slow"]
	s.mu.Unlock()
	ss.mu.Lock()
	stalled := ss.room.stalled
	ss.mu.Unlock()
	if !stalled {
		t.Error("a subscriber that took nothing during a whole wait is not marked stalled")
	}
}
