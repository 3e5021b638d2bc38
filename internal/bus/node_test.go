package bus

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNode_Single runs one node with its embedded server alone: no port,
// an in-process connection.
func TestNode_Single(t *testing.T) {
	ctx := context.Background()
	r := &recorder{}
	n := startNode(t, Config{NodeID: "solo", DataDir: t.TempDir(), Handler: r, Log: testLogger(t)})
	if err := n.Healthy(); err != nil {
		t.Fatal(err)
	}
	if n.ID() != "solo" || !membersAre(n, "solo") {
		t.Fatalf("ID %q, Members %v", n.ID(), n.Members())
	}
	if n.srv.ClusterAddr() != nil || n.srv.Addr() != nil {
		t.Fatalf("a single node listens: cluster %v, clients %v", n.srv.ClusterAddr(), n.srv.Addr())
	}
	if err := n.Forward("a/b", []byte("x"), true); err != nil {
		t.Fatal(err)
	}
	if err := n.Retained("a/b", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := n.Broadcast("k", nil); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("*", MaxSubjectBytes/3+1)
	if err := n.Forward(long, nil, false); err == nil {
		t.Fatal("Forward took a topic whose subject is too long")
	}
	if _, err := n.Claim(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	if o, err := n.Owner(ctx, "dev"); o != "solo" || err != nil {
		t.Fatalf("Owner: %q, %v", o, err)
	}
	n.Release("dev")
	if o, err := n.Owner(ctx, "dev"); o != "" || err != nil {
		t.Fatalf("Owner after Release: %q, %v", o, err)
	}
	if got := r.len(delivered) + r.len(retained) + r.len(invalidated); got != 0 {
		t.Fatalf("a single node got %d of its own messages", got)
	}
}

func TestNode_Interest_RefCount(t *testing.T) {
	n := startNode(t, Config{NodeID: "solo", DataDir: t.TempDir(), Handler: &recorder{}, Log: testLogger(t)})
	subjects := func() []string {
		n.interest.mu.Lock()
		defer n.interest.mu.Unlock()
		var s []string
		for subject, sub := range n.interest.subs {
			if sub != nil && sub.IsValid() {
				s = append(s, subject)
			}
		}
		slices.Sort(s)
		return s
	}
	n.Interest("a/#")
	n.Interest("a/#")
	n.Interest("$share/g/a/#") // the same subjects
	n.Interest("a/+")
	if got := subjects(); !slices.Equal(got, []string{"hob.dm.a", "hob.dm.a.*", "hob.dm.a.>", "hob.m.a", "hob.m.a.*", "hob.m.a.>"}) {
		t.Fatalf("subscribed to %q", got)
	}
	n.NoInterest("a/#")
	n.NoInterest("$share/g/a/#")
	n.NoInterest("a/+")
	n.NoInterest("x/y") // unbalanced: ignored
	if got := subjects(); !slices.Equal(got, []string{"hob.dm.a", "hob.dm.a.>", "hob.m.a", "hob.m.a.>"}) {
		t.Fatalf("after NoInterest, subscribed to %q", got)
	}
	n.NoInterest("a/#")
	if got := subjects(); len(got) != 0 || len(n.interest.refs) != 0 {
		t.Fatalf("after the last NoInterest, subscribed to %q, refs %v", got, n.interest.refs)
	}
	n.Interest(strings.Repeat("x", MaxSubjectBytes)) // too long: refused and counted
	if s := n.Stats(); s.Refused != 1 {
		t.Fatalf("stats: %+v", s)
	}
}

func TestNode_Close(t *testing.T) {
	n := startNode(t, Config{NodeID: "solo", DataDir: t.TempDir(), Handler: &recorder{}, Log: testLogger(t)})
	n.Interest("a/#")
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if n.srv.Running() {
		t.Fatal("the embedded server still runs")
	}
	ctx := context.Background()
	_, claimErr := n.Claim(ctx, "c")
	_, aliveErr := n.LastAlive(ctx, "solo")
	asyncErr := n.ForwardAsync("a", nil, func(error) { t.Error("ForwardAsync after Close called done") })
	for name, err := range map[string]error{
		"Healthy": n.Healthy(), "Forward": n.Forward("a", nil, true), "Retained": n.Retained("a", nil),
		"ForwardAsync": asyncErr, "Broadcast": n.Broadcast("k", nil), "Claim": claimErr, "LastAlive": aliveErr,
		"Replay": n.Replay(ctx, []string{"#"}, time.Time{}, 0, func(string, []byte) {}),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	n.NoInterest("a/#") // no panic, no effect
	n.Release("c")
}

// TestNode_Restart checks that a single node finds its bucket, the claims
// in it and its durable messages again after a restart on the same
// DataDir, and that claiming a client id its earlier run held reports the
// session lost there, with that run's last heartbeat.
func TestNode_Restart(t *testing.T) {
	ctx := context.Background()
	cfg := Config{NodeID: "solo", DataDir: t.TempDir(), Handler: &recorder{}, Log: testLogger(t)}
	n := startNode(t, cfg)
	if _, err := n.Claim(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	if err := n.Forward("r/1", []byte("kept"), true); err != nil {
		t.Fatal(err)
	}
	closed := time.Now()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n = startNode(t, cfg)
	if o, err := n.Owner(ctx, "dev"); o != "solo" || err != nil {
		t.Fatalf("Owner after restart: %q, %v", o, err)
	}
	got, err := n.Claim(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	checkLost(t, got, "solo", closed)
	if !got.LastAlive.Equal(n.prevAlive) {
		t.Errorf("Claimed.LastAlive %v, but the node's last heartbeat before the restart was %v", got.LastAlive, n.prevAlive)
	}
	if got, err := n.Claim(ctx, "dev"); err != nil || got != (Claimed{Previous: "solo"}) {
		t.Fatalf("Claim again: %+v, %v", got, err)
	}
	if got := replayAll(t, n, []string{"r/#"}, since, 0); !slices.Equal(got, []event{{topic: "r/1", data: "kept"}}) {
		t.Errorf("Replay after the restart: %v", got)
	}
}
