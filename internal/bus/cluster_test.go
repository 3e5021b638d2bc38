package bus

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestNode_Cluster runs three nodes, each with its embedded server, routed
// over loopback into one NATS cluster with an R3 KV bucket. The subtests
// share the cluster and run in order; the last ones take nodes down.
func TestNode_Cluster(t *testing.T) {
	nodes, recs := startCluster(t, "a", "b", "c")
	a, b, c := nodes[0], nodes[1], nodes[2]
	ra, rb, rc := recs[0], recs[1], recs[2]
	ctx := context.Background()

	t.Run("Members", func(t *testing.T) {
		for _, n := range nodes {
			waitFor(t, n.ID()+" does not see all nodes", func() bool { return membersAre(n, "a", "b", "c") })
		}
	})

	t.Run("Forward", func(t *testing.T) {
		a.Interest("a/#") // a forwards on a/..., but never gets its own messages
		b.Interest("a/+")
		b.Interest("a/+")
		forwardUntil(t, a, rb, "a/probe", "p")
		b.Interest("a/#")                 // overlaps a/+: still one delivery per message
		forwardUntil(t, a, rb, "a", "p2") // only a/# matches a: it has propagated
		for _, m := range []string{"one", "two"} {
			if err := a.Forward("a/x", []byte(m), true); err != nil {
				t.Fatal(err)
			}
		}
		forwardUntil(t, a, rb, "a/marker", "m")
		forwardUntil(t, b, ra, "a/back", "b") // any echo to a would have come first
		got := rb.snapshot(delivered)
		one, two, marker := slices.Index(got, event{topic: "a/x", data: "one"}),
			slices.Index(got, event{topic: "a/x", data: "two"}), slices.Index(got, event{topic: "a/marker", data: "m"})
		if one < 0 || !(one < two && two < marker) || rb.count(delivered, got[one]) != 1 {
			t.Errorf("b's deliveries: %v; want one, two and m once each, in that order", got)
		}
		if b.Stats().Duplicates == 0 {
			t.Errorf("b counted no duplicates: %+v", b.Stats())
		}
		for _, e := range ra.snapshot(delivered) {
			if e.topic != "a/back" {
				t.Errorf("a got its own message back: %v", e)
			}
		}
		if n := rc.len(delivered); n != 0 || c.Stats().Received != 0 {
			t.Errorf("c, without interest, got %d messages", n)
		}
		if s := a.Stats(); s.Forwarded < 4 {
			t.Errorf("a's stats: %+v", s)
		}
	})

	t.Run("Retained", func(t *testing.T) {
		if err := a.Retained("r/1", []byte("v1")); err != nil {
			t.Fatal(err)
		}
		if err := a.Retained("r/1", nil); err != nil {
			t.Fatal(err)
		}
		for _, r := range []*recorder{rb, rc} {
			waitFor(t, "a retained change did not arrive", func() bool { return r.len(retained) == 2 })
			want := []event{{"r/1", "v1", false}, {"r/1", "", true}}
			if got := r.snapshot(retained); !slices.Equal(got, want) {
				t.Errorf("retained changes: %v, want %v", got, want)
			}
		}
		if n := ra.len(retained); n != 0 {
			t.Errorf("a got %d of its own retained changes", n)
		}
	})

	t.Run("Broadcast", func(t *testing.T) {
		if err := b.Broadcast("policy-1", []byte("p")); err != nil {
			t.Fatal(err)
		}
		for _, r := range []*recorder{ra, rc} {
			waitFor(t, "an invalidation did not arrive", func() bool { return r.has(invalidated, event{"policy-1", "p", false}) })
		}
		if n := rb.len(invalidated); n != 0 {
			t.Errorf("b got %d of its own invalidations", n)
		}
		if err := b.Broadcast("a.b", nil); err == nil {
			t.Error("Broadcast took the kind a.b")
		}
	})

	t.Run("Claim_Takeover", func(t *testing.T) { testTakeover(t, a, b, ra, rb) })

	t.Run("Claim_Race", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, n := range []*Node{a, b} {
			wg.Go(func() { errs[i] = n.Claim(ctx, "race") })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("Claim: %v, %v", errs[0], errs[1])
		}
		ids := map[*recorder]string{ra: "a", rb: "b"}
		var losers []string
		for r, id := range ids {
			if n := r.surrenders("race"); n > 1 {
				t.Errorf("%s surrendered %d times", id, n)
			} else if n == 1 {
				losers = append(losers, id)
			}
		}
		if len(losers) != 1 {
			t.Fatalf("nodes that surrendered: %v, want one", losers)
		}
		winner := map[string]string{"a": "b", "b": "a"}[losers[0]]
		for _, n := range nodes {
			waitOwner(t, n, "race", winner)
		}
	})

	t.Run("Claim_SurrenderFails", func(t *testing.T) {
		rc.mu.Lock()
		rc.refuse["stuck"] = true
		rc.mu.Unlock()
		if err := c.Claim(ctx, "stuck"); err != nil {
			t.Fatal(err)
		}
		err := a.Claim(ctx, "stuck")
		if err == nil || !strings.Contains(err.Error(), "the store is down") {
			t.Fatalf("Claim: %v", err)
		}
		waitOwner(t, b, "stuck", "c")
	})

	t.Run("Claim_OwnerClosed", func(t *testing.T) {
		if err := c.Claim(ctx, "orphan"); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "a still sees c", func() bool { return membersAre(a, "a", "b") })
		if err := a.Claim(ctx, "orphan"); err != nil {
			t.Fatal(err)
		}
		waitOwner(t, b, "orphan", "a")
	})

	t.Run("Healthy_ServerDown", func(t *testing.T) {
		if err := b.Healthy(); err != nil {
			t.Fatal(err)
		}
		b.srv.Shutdown()
		waitFor(t, "b is still healthy", func() bool { return b.Healthy() != nil })
		if err := b.Healthy(); !strings.Contains(err.Error(), "not running") {
			t.Errorf("Healthy: %v", err)
		}
		if err := a.Healthy(); err != nil {
			t.Errorf("a: %v", err)
		}
	})
}

// owner returns clientID's owner as n reads it.
func owner(t *testing.T, n *Node, clientID string) string {
	t.Helper()
	o, err := n.Owner(context.Background(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// waitOwner waits until n reads want as clientID's owner: a read may come
// from a replica that lags.
func waitOwner(t *testing.T, n *Node, clientID, want string) {
	t.Helper()
	waitFor(t, n.ID()+" does not read "+want+" as the owner of "+clientID, func() bool {
		return owner(t, n, clientID) == want
	})
}

// testTakeover claims a client id on x, then on y, then releases it.
func testTakeover(t *testing.T, x, y *Node, rx, ry *recorder) {
	ctx := context.Background()
	if err := x.Claim(ctx, "dev-1"); err != nil {
		t.Fatalf("Claim on %s: %v", x.ID(), err)
	}
	waitOwner(t, y, "dev-1", x.ID())
	if err := x.Claim(ctx, "dev-1"); err != nil || rx.surrenders("dev-1") != 0 {
		t.Fatalf("Claim again on %s: %v", x.ID(), err)
	}
	if err := y.Claim(ctx, "dev-1"); err != nil {
		t.Fatalf("Claim on %s: %v", y.ID(), err)
	}
	waitOwner(t, x, "dev-1", y.ID())
	if rx.surrenders("dev-1") != 1 || ry.surrenders("dev-1") != 0 {
		t.Fatalf("surrenders: %d on %s, %d on %s", rx.surrenders("dev-1"), x.ID(), ry.surrenders("dev-1"), y.ID())
	}
	x.Release("dev-1") // not the owner: nothing happens
	y.Release("dev-1")
	waitOwner(t, x, "dev-1", "")
	if err := x.Claim(ctx, "dev-1"); err != nil || ry.surrenders("dev-1") != 0 {
		t.Fatalf("Claim after Release: %v", err)
	}
	waitOwner(t, y, "dev-1", x.ID())
}
