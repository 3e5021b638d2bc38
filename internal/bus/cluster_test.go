package bus

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
		if s := a.Stats(); s.Forwarded < 4 || s.Durable != 2 {
			t.Errorf("a's stats: %+v", s)
		}
	})

	t.Run("Replay", func(t *testing.T) {
		since := time.Now()
		if err := a.Forward("q/1", []byte("kept"), true); err != nil { // c has no interest in q/...
			t.Fatal(err)
		}
		after := time.Now()
		if err := b.Forward("q/2", []byte("plain"), false); err != nil { // not durable: never replayed
			t.Fatal(err)
		}
		filters := []string{"q/+", "q/#", "$share/g/q/1", "other"} // overlapping: one consumer filter remains
		if got := replayAll(t, c, filters, since, 0); !slices.Equal(got, []event{{topic: "q/1", data: "kept"}}) {
			t.Errorf("Replay since before the forward: %v", got)
		}
		if got := replayAll(t, c, []string{"q/#"}, after, 0); len(got) != 0 {
			t.Errorf("Replay since after the forward: %v", got)
		}
		if got := replayAll(t, a, []string{"q/1"}, since, 0); len(got) != 1 {
			t.Errorf("Replay on the forwarding node: %v", got) // its own sessions may need it too
		}
		if n := rc.len(delivered); n != 0 {
			t.Errorf("c, without interest, got %d messages", n)
		}
		if s := c.Stats(); s.Replayed != 1 || s.Received != 0 {
			t.Errorf("c's stats: %+v", s)
		}
		waitNoConsumers(t, b)
	})

	t.Run("Replay_Tail", func(t *testing.T) {
		const tail = 2 * time.Second
		since := time.Now()
		if err := a.Forward("t/0", []byte("before"), true); err != nil {
			t.Fatal(err)
		}
		caughtUp := make(chan struct{})
		done := make(chan error, 1)
		var got []event // written by fn on Replay's goroutine, read after done
		begin := time.Now()
		go func() {
			done <- c.Replay(ctx, []string{"t/#"}, since, tail, func(topic string, data []byte) {
				got = append(got, event{topic: topic, data: string(data)})
				if len(got) == 1 {
					close(caughtUp)
				}
			})
		}()
		select {
		case <-caughtUp:
		case err := <-done:
			t.Fatalf("Replay ended before handing over the first message: %v", err)
		case <-time.After(deadline):
			t.Fatal("Replay handed nothing over")
		}
		if time.Since(begin) > tail/2 {
			t.Fatalf("the first message took %v: too slow to test the tail", time.Since(begin))
		}
		if err := a.Forward("t/1", []byte("during"), true); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(deadline):
			t.Fatal("Replay did not end")
		}
		if took := time.Since(begin); took < tail {
			t.Errorf("Replay returned after %v, before its tail of %v", took, tail)
		}
		if want := []event{{topic: "t/0", data: "before"}, {topic: "t/1", data: "during"}}; !slices.Equal(got, want) {
			t.Errorf("Replay handed over %v, want %v", got, want)
		}
		waitNoConsumers(t, a)
	})

	t.Run("LastAlive", func(t *testing.T) {
		at, err := a.LastAlive(ctx, "b")
		if err != nil || time.Since(at) > 5*time.Second || time.Until(at) > time.Second {
			t.Errorf("LastAlive(b) = %v, %v", at, err)
		}
		if at, err := a.LastAlive(ctx, "nobody"); err != nil || !at.IsZero() {
			t.Errorf("LastAlive(nobody) = %v, %v", at, err)
		}
		if _, err := a.LastAlive(ctx, "a.b"); err == nil {
			t.Error("LastAlive took the node id a.b")
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
			wg.Go(func() { _, errs[i] = n.Claim(ctx, "race") })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("Claim: %v, %v", errs[0], errs[1])
		}
		ids := map[*recorder]string{ra: "a", rb: "b"}
		var losers []string
		for r, id := range ids {
			if r.surrenders("race") > 0 { // more than once after a stale read
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
		if _, err := c.Claim(ctx, "stuck"); err != nil {
			t.Fatal(err)
		}
		_, err := a.Claim(ctx, "stuck")
		if err == nil || !strings.Contains(err.Error(), "the store is down") {
			t.Fatalf("Claim: %v", err)
		}
		waitOwner(t, b, "stuck", "c")
	})

	// The node that leads the durable stream leaves during a burst of
	// durable forwards, by Forward and by ForwardAsync at once: the
	// forwards go on, every one acknowledged is in the stream once (and
	// every ForwardAsync is, its done called once, in order), and claiming
	// a client id the node held reports it lost, with its last heartbeat.
	var rest []*Node // the nodes still running after this subtest
	t.Run("NodeDies", func(t *testing.T) {
		s, err := a.js.Stream(ctx, durableStream)
		if err != nil {
			t.Fatal(err)
		}
		var dying *Node
		for _, n := range nodes {
			if n.ID() == s.CachedInfo().Cluster.Leader {
				dying = n
			} else {
				rest = append(rest, n)
			}
		}
		if dying == nil {
			t.Fatalf("no node leads the durable stream: %+v", s.CachedInfo().Cluster)
		}
		x := rest[0]
		if _, err := dying.Claim(ctx, "orphan"); err != nil {
			t.Fatal(err)
		}
		since := time.Now()
		var acked []string // written by the burst, read after done
		var syncAcked atomic.Uint64
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				data := strconv.Itoa(i)
				if err := x.Forward("z/"+data, []byte(data), true); err != nil {
					t.Errorf("Forward %d: %v", i, err)
					return
				}
				acked = append(acked, data)
				syncAcked.Add(1)
			}
		}()
		// The asynchronous burst sends half its messages, then the other
		// half once the leader is leaving: a bounded burst, which is read
		// back by Replay, that spans the leader's death.
		const asyncHalf = 4000
		var set settled
		var sent []string // written by the burst, read after asyncDone
		leaving, asyncDone := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(asyncDone)
			for i := range 2 * asyncHalf {
				if i == asyncHalf {
					select {
					case <-leaving:
					case <-stop:
						return
					}
				}
				id := "async-" + strconv.Itoa(i)
				if err := x.ForwardAsync("za/"+strconv.Itoa(i), []byte(id), set.done(id)); err != nil {
					t.Errorf("ForwardAsync %d: %v", i, err)
					return
				}
				sent = append(sent, id)
			}
		}()
		burst := func(n int) { // both bursts go on
			wantSync, wantAsync := syncAcked.Load()+uint64(n), set.len()+n
			waitFor(t, "the burst stalls", func() bool { return syncAcked.Load() >= wantSync && set.len() >= wantAsync })
		}
		burst(20)
		close(leaving)
		closed := time.Now()
		if err := dying.Close(); err != nil {
			t.Fatal(err)
		}
		burst(20)
		close(stop)
		<-done
		<-asyncDone
		waitFor(t, "not every ForwardAsync was settled", func() bool { return set.len() >= len(sent) })
		ids, errs := set.snapshot()
		if !slices.Equal(ids, sent) {
			t.Errorf("%d done calls for %d messages, or out of order", len(ids), len(sent))
		}
		for i, err := range errs {
			if err != nil {
				t.Errorf("done of %s: %v", ids[i], err)
				break
			}
		}
		got, err := x.Claim(ctx, "orphan")
		if err != nil {
			t.Fatal(err)
		}
		checkLost(t, got, dying.ID(), closed)
		counts := map[string]int{}
		for _, e := range replayAll(t, x, []string{"z/+"}, since, 0) {
			counts[e.data]++
		}
		for _, data := range acked {
			if counts[data] != 1 {
				t.Errorf("message %s, acknowledged, is in the stream %d times", data, counts[data])
			}
		}
		asyncCounts := map[string]int{}
		for _, e := range replayAll(t, x, []string{"za/+"}, since, 0) {
			asyncCounts[e.data]++
		}
		for _, id := range sent {
			if asyncCounts[id] != 1 {
				t.Errorf("message %s, forwarded with ForwardAsync, is in the stream %d times", id, asyncCounts[id])
				break
			}
		}
		t.Logf("%d durable forwards acknowledged, %d messages in the stream, %d by ForwardAsync (%d sent again); %s left, as the leader of the stream",
			len(acked), len(counts), len(sent), x.async.resent.Load(), dying.ID())
	})

	t.Run("Healthy_ServerDown", func(t *testing.T) {
		if len(rest) != 2 {
			t.Skip("NodeDies failed")
		}
		x, y := rest[0], rest[1]
		if err := x.Healthy(); err != nil {
			t.Fatal(err)
		}
		x.srv.Shutdown()
		waitFor(t, x.ID()+" is still healthy", func() bool { return x.Healthy() != nil })
		if err := x.Healthy(); !strings.Contains(err.Error(), "not running") {
			t.Errorf("Healthy: %v", err)
		}
		if err := y.Healthy(); err != nil {
			t.Errorf("%s: %v", y.ID(), err)
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
	if got, err := x.Claim(ctx, "dev-1"); err != nil || got != (Claimed{}) {
		t.Fatalf("Claim on %s: %+v, %v", x.ID(), got, err)
	}
	waitOwner(t, y, "dev-1", x.ID())
	if got, err := x.Claim(ctx, "dev-1"); err != nil || got != (Claimed{Previous: x.ID()}) || rx.surrenders("dev-1") != 0 {
		t.Fatalf("Claim again on %s: %+v, %v", x.ID(), got, err)
	}
	if got, err := y.Claim(ctx, "dev-1"); err != nil || got != (Claimed{Previous: x.ID()}) {
		t.Fatalf("Claim on %s: %+v, %v", y.ID(), got, err)
	}
	waitOwner(t, x, "dev-1", y.ID())
	// A stale read makes y ask again: x may surrender more than once.
	if rx.surrenders("dev-1") == 0 || ry.surrenders("dev-1") != 0 {
		t.Fatalf("surrenders: %d on %s, %d on %s", rx.surrenders("dev-1"), x.ID(), ry.surrenders("dev-1"), y.ID())
	}
	x.Release("dev-1") // not the owner: nothing happens
	y.Release("dev-1")
	waitOwner(t, x, "dev-1", "")
	if got, err := x.Claim(ctx, "dev-1"); err != nil || got != (Claimed{}) || ry.surrenders("dev-1") != 0 {
		t.Fatalf("Claim after Release: %+v, %v", got, err)
	}
	waitOwner(t, y, "dev-1", x.ID())
}

// checkLost checks that a claim found the client id lost by node prev,
// last alive shortly before closed (the time its Close began).
func checkLost(t *testing.T, got Claimed, prev string, closed time.Time) {
	t.Helper()
	if got.Previous != prev || !got.Lost {
		t.Errorf("Claimed %+v; want Previous %s, Lost", got, prev)
	}
	if d := closed.Sub(got.LastAlive); d < 0 || d > 5*time.Second {
		t.Errorf("Claimed.LastAlive is %v, %v before %s closed", got.LastAlive, d, prev)
	}
}

// replayAll replays filters since since on n, and returns what it handed
// over.
func replayAll(t *testing.T, n *Node, filters []string, since time.Time, tail time.Duration) []event {
	t.Helper()
	var got []event
	err := n.Replay(context.Background(), filters, since, tail, func(topic string, data []byte) {
		got = append(got, event{topic: topic, data: string(data)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// waitNoConsumers waits until the durable stream has no consumer left, as
// n reads it.
func waitNoConsumers(t *testing.T, n *Node) {
	t.Helper()
	waitFor(t, "the durable stream keeps consumers", func() bool {
		s, err := n.js.Stream(context.Background(), durableStream)
		if err != nil {
			t.Fatal(err)
		}
		return s.CachedInfo().State.Consumers == 0
	})
}
