package bus

import (
	"strings"
	"testing"
)

// TestNode_External runs two nodes connected by URL to one stand-alone
// NATS server with JetStream.
func TestNode_External(t *testing.T) {
	s := startNATS(t)
	log := testLogger(t)
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
