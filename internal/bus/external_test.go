package bus

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNode_External runs two nodes connected by URL to one stand-alone
// NATS server with JetStream.
func TestNode_External(t *testing.T) {
	s := startNATS(t)
	log := testLogger(t)
	top := t // what a subtest starts lives on
	ra, rb := &recorder{}, &recorder{}
	urls := []string{s.ClientURL()}
	a := startNode(t, Config{NodeID: "a", URLs: urls, Handler: ra, Log: log.With("node", "a")})
	b := startNode(t, Config{NodeID: "b", URLs: urls, Handler: rb, Log: log.With("node", "b")})

	t.Run("Members", func(t *testing.T) {
		for _, n := range []*Node{a, b} {
			waitFor(t, n.ID()+" does not see both nodes", func() bool { return membersAre(n, "a", "b") })
		}
	})

	t.Run("Forward_NoInterest", func(t *testing.T) {
		b.Interest("x/1")
		b.Interest("x/+")
		b.Interest("marker")
		forwardUntil(t, a, rb, "x/1", "first")
		b.NoInterest("x/1")
		forwardUntil(t, a, rb, "x/1", "still") // x/+ remains
		b.NoInterest("x/+")
		if err := b.nc.Flush(); err != nil { // the server has the unsubscription
			t.Fatal(err)
		}
		if err := a.Forward("x/1", []byte("gone"), true); err != nil {
			t.Fatal(err)
		}
		forwardUntil(t, a, rb, "marker", "m")
		if rb.has(delivered, event{topic: "x/1", data: "gone"}) {
			t.Error("b got a message after its last NoInterest")
		}
		if s := b.Stats(); s.Received == 0 || s.Dropped != 0 {
			t.Errorf("b's stats: %+v", s)
		}
	})

	t.Run("Claim_Takeover", func(t *testing.T) { testTakeover(t, a, b, ra, rb) })

	t.Run("Forward_Durable", func(t *testing.T) {
		since := time.Now()
		b.Interest("d/#")
		forwardUntil(t, a, rb, "d/probe", "p")
		if err := a.Forward("d/1", []byte("x"), true); err != nil {
			t.Fatal(err)
		}
		forwardUntil(t, a, rb, "d/marker", "m")
		if n := rb.count(delivered, event{topic: "d/1", data: "x"}); n != 1 {
			t.Errorf("b got the durable message %d times", n)
		}
		if got := replayAll(t, b, []string{"d/+"}, since, 0); !slices.Equal(got, []event{{topic: "d/1", data: "x"}}) {
			t.Errorf("Replay: %v", got)
		}
		b.NoInterest("d/#")
	})

	// A node that restarts quickly answers the claim of another, but has
	// not got the session its earlier run held: that session was lost.
	t.Run("Claim_OwnerRestarted", func(t *testing.T) {
		ctx := context.Background()
		if _, err := a.Claim(ctx, "dev-r"); err != nil {
			t.Fatal(err)
		}
		closed := time.Now()
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		ra = &recorder{}
		a = startNode(top, Config{NodeID: "a", URLs: urls, Handler: ra, Log: log.With("node", "a", "run", 2)})
		got, err := b.Claim(ctx, "dev-r")
		if err != nil {
			t.Fatal(err)
		}
		checkLost(t, got, "a", closed)
		if n := ra.surrenders("dev-r"); n != 1 {
			t.Errorf("the restarted node was asked to surrender %d times", n)
		}
	})

	t.Run("Healthy_ServerDown", func(t *testing.T) {
		s.Shutdown()
		for _, n := range []*Node{a, b} {
			waitFor(t, n.ID()+" is still healthy", func() bool { return n.Healthy() != nil })
			if err := n.Healthy(); !strings.Contains(err.Error(), "not connected") {
				t.Errorf("Healthy: %v", err)
			}
		}
	})
}
