package bus

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// settled records the done calls of ForwardAsync, in the order they came.
type settled struct {
	mu   sync.Mutex
	ids  []string
	errs []error
}

// done returns a done for the message id.
func (s *settled) done(id string) func(error) {
	return func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ids = append(s.ids, id)
		s.errs = append(s.errs, err)
	}
}

func (s *settled) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// snapshot returns the ids and errors recorded so far.
func (s *settled) snapshot() ([]string, []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids), slices.Clone(s.errs)
}

// inOrder checks that got holds every one of want exactly once, in want's
// order, ignoring what else it holds.
func inOrder(t *testing.T, what string, got, want []string) {
	t.Helper()
	wanted := make(map[string]bool, len(want))
	for _, w := range want {
		wanted[w] = true
	}
	var kept []string
	for _, g := range got {
		if wanted[g] {
			kept = append(kept, g)
		}
	}
	if !slices.Equal(kept, want) {
		i := 0
		for i < min(len(kept), len(want)) && kept[i] == want[i] {
			i++
		}
		t.Errorf("%s: %d of %d wanted, in order up to index %d (got %.80q…, want %.80q…)",
			what, len(kept), len(want), i, kept[i:min(i+3, len(kept))], want[i:min(i+3, len(want))])
	}
}

// TestForwardAsync_Order forwards a burst with ForwardAsync from one node
// to another through a stand-alone NATS server, together with plain
// forwards and a second, concurrent, ForwardAsync caller: every done is
// called once, with nil, in each caller's order; the other node gets every
// message live once, in the order they were forwarded; and Replay finds
// every durable one.
func TestForwardAsync_Order(t *testing.T) {
	s := startNATS(t)
	log := testLogger(t)
	urls := []string{s.ClientURL()}
	ra, rb := &recorder{}, &recorder{}
	a := startNode(t, Config{NodeID: "a", URLs: urls, Handler: ra, Log: log.With("node", "a")})
	b := startNode(t, Config{NodeID: "b", URLs: urls, Handler: rb, Log: log.With("node", "b")})
	b.Interest("fa/#")
	forwardUntil(t, a, rb, "fa/probe", "p")
	since := time.Now()

	// More than MaxPendingDurable, so that the first caller may wait for
	// slots; fewer than inboxSize, so that b keeps up.
	const n, m = 5000, 1000
	var set settled
	var main, other, live []string // what a forwards, in order; live also the plain ones
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range m {
			id := "g2-" + strconv.Itoa(i)
			other = append(other, id)
			if err := a.ForwardAsync("fa/g2", []byte(id), set.done(id)); err != nil {
				t.Errorf("ForwardAsync %s: %v", id, err)
				return
			}
		}
	})
	for i := range n {
		if i%500 == 0 {
			id := "plain-" + strconv.Itoa(i)
			if err := a.Forward("fa/plain", []byte(id), false); err != nil {
				t.Fatal(err)
			}
			live = append(live, id)
		}
		id := strconv.Itoa(i)
		if err := a.ForwardAsync("fa/"+strconv.Itoa(i%10), []byte(id), set.done(id)); err != nil {
			t.Fatalf("ForwardAsync %d: %v", i, err)
		}
		main = append(main, id)
		live = append(live, id)
	}
	wg.Wait()
	waitFor(t, "not every done was called", func() bool { return set.len() >= n+m })

	ids, errs := set.snapshot()
	if len(ids) != n+m {
		t.Fatalf("%d done calls for %d messages", len(ids), n+m)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("done of %s: %v", ids[i], err)
		}
	}
	inOrder(t, "done calls of the first caller", ids, main)
	inOrder(t, "done calls of the second caller", ids, other)

	forwardUntil(t, a, rb, "fa/marker", "m")
	var got []string
	counts := map[string]int{}
	for _, e := range rb.snapshot(delivered) {
		got = append(got, e.data)
		counts[e.data]++
	}
	inOrder(t, "b's live deliveries", got, live)
	inOrder(t, "b's live deliveries of the second caller", got, other)
	for _, id := range slices.Concat(live, other) {
		if counts[id] != 1 {
			t.Fatalf("b got %s %d times", id, counts[id])
		}
	}

	var replayed []string
	for _, e := range replayAll(t, b, []string{"fa/#"}, since, 0) {
		replayed = append(replayed, e.data)
	}
	if len(replayed) != n+m {
		t.Errorf("Replay handed over %d messages, want %d", len(replayed), n+m)
	}
	inOrder(t, "Replay", replayed, main)
	inOrder(t, "Replay of the second caller", replayed, other)
	if st := a.Stats(); st.Durable != n+m || st.Forwarded < n+m+n/500 {
		t.Errorf("a's stats: %+v", st)
	}
	if st := b.Stats(); st.Dropped != 0 {
		t.Errorf("b's stats: %+v", st)
	}
}

// TestForwardAsync_Refused checks that a message the stream refuses gets
// its error at done, in order with the others, and what ForwardAsync
// refuses itself.
func TestForwardAsync_Refused(t *testing.T) {
	ctx := context.Background()
	n := startNode(t, Config{NodeID: "solo", DataDir: t.TempDir(), Handler: &recorder{}, Log: testLogger(t)})
	s, err := n.js.Stream(ctx, durableStream)
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.CachedInfo().Config
	cfg.MaxMsgSize = 512
	if _, err := n.js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var set settled
	big := strings.Repeat("x", 1024)
	for i, data := range []string{"small-0", big, "small-2"} {
		id := strconv.Itoa(i)
		if err := n.ForwardAsync("r/"+id, []byte(data), set.done(id)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "not every done was called", func() bool { return set.len() >= 3 })
	ids, errs := set.snapshot()
	if !slices.Equal(ids, []string{"0", "1", "2"}) || errs[0] != nil || errs[2] != nil {
		t.Fatalf("done calls %q, %v", ids, errs)
	}
	if errs[1] == nil || errors.Is(errs[1], ErrClosed) || !strings.Contains(errs[1].Error(), "r/1") {
		t.Errorf("done of the oversized message: %v", errs[1])
	}
	t.Logf("the oversized message: %v", errs[1])
	if st := n.Stats(); st.Durable != 2 || st.Forwarded != 2 {
		t.Errorf("stats: %+v", st)
	}

	never := func(error) { t.Error("done called for a message ForwardAsync refused") }
	if err := n.ForwardAsync(strings.Repeat("*", MaxSubjectBytes/3+1), nil, never); err == nil {
		t.Error("ForwardAsync took a topic whose subject is too long")
	}
	if err := n.ForwardAsync("r/x", nil, nil); err == nil {
		t.Error("ForwardAsync took a nil done")
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.ForwardAsync("r/x", nil, never); !errors.Is(err, ErrClosed) {
		t.Errorf("ForwardAsync after Close: %v", err)
	}
}

// TestForwardAsync_ServerDown checks that done reports the stream's
// absence once the budget of retries is spent, and that Close settles a
// full queue of pending messages and releases a caller waiting for a slot.
func TestForwardAsync_ServerDown(t *testing.T) {
	s := startNATS(t)
	n := startNode(t, Config{NodeID: "a", URLs: []string{s.ClientURL()}, Handler: &recorder{}, Log: testLogger(t)})
	n.budget = time.Second // before any forward: the callers read it
	var warm settled
	if err := n.ForwardAsync("d/warm", []byte("w"), warm.done("warm")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first message was not settled", func() bool { return warm.len() == 1 })
	if _, errs := warm.snapshot(); errs[0] != nil {
		t.Fatal(errs[0])
	}

	s.Shutdown()
	waitFor(t, "the node is still healthy", func() bool { return n.Healthy() != nil })
	var set settled
	var want []string
	for i := range 20 {
		id := strconv.Itoa(i)
		if err := n.ForwardAsync("d/"+id, []byte(id), set.done(id)); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	begin := time.Now()
	waitFor(t, "not every done was called", func() bool { return set.len() >= len(want) })
	ids, errs := set.snapshot()
	if !slices.Equal(ids, want) {
		t.Fatalf("done calls %q", ids)
	}
	for i, err := range errs {
		if err == nil || errors.Is(err, ErrClosed) {
			t.Fatalf("done of %s: %v", ids[i], err)
		}
	}
	t.Logf("settled without a server after %v: %v", time.Since(begin), errs[0])

	var full settled
	for i := range MaxPendingDurable {
		id := strconv.Itoa(i)
		if err := n.ForwardAsync("f/"+id, []byte(id), full.done(id)); err != nil {
			t.Fatal(err)
		}
	}
	extra := make(chan error, 1)
	go func() {
		extra <- n.ForwardAsync("f/extra", nil, func(error) { t.Error("done called for the refused message") })
	}()
	begin = time.Now()
	if err := n.Close(); err != nil {
		t.Logf("Close: %v", err) // the connection could not drain: no server
	}
	took := time.Since(begin)
	if took > closeAckWait+closeTimeout {
		t.Errorf("Close took %v", took)
	}
	ids, errs = full.snapshot()
	if len(ids) != MaxPendingDurable {
		t.Fatalf("Close returned with %d of %d done calls made", len(ids), MaxPendingDurable)
	}
	for i, err := range errs {
		if ids[i] != strconv.Itoa(i) || !errors.Is(err, ErrClosed) {
			t.Fatalf("done call %d: of %s, with %v", i, ids[i], err)
		}
	}
	select {
	case err := <-extra:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("the ForwardAsync waiting for a slot: %v", err)
		}
	case <-time.After(deadline):
		t.Error("the ForwardAsync waiting for a slot did not return")
	}
	select {
	case <-n.async.ended:
	default:
		t.Error("the collector runs after Close")
	}
	t.Logf("Close took %v", took)
}

// TestForwardAsync_LateAckFails checks that a message the stream
// acknowledges later than StoreDelay after the call is reported as
// failed, so that a Replay reading for StoreDelay finds every success:
// with a budget so short that StoreDelay is negative, every ack is late.
func TestForwardAsync_LateAckFails(t *testing.T) {
	s := startNATS(t)
	n := startNode(t, Config{NodeID: "a", URLs: []string{s.ClientURL()}, Handler: &recorder{}, Log: testLogger(t)})
	n.budget = -(durableAttempt + 2*time.Second) // before any forward: the callers read it
	if n.StoreDelay() >= 0 {
		t.Fatalf("StoreDelay is %v", n.StoreDelay())
	}
	var set settled
	if err := n.ForwardAsync("d/late", []byte("late"), set.done("late")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "done was not called", func() bool { return set.len() == 1 })
	if _, errs := set.snapshot(); errs[0] == nil || !strings.Contains(errs[0].Error(), "too late") {
		t.Fatalf("done of a late ack: %v", errs[0])
	}
}

// BenchmarkForward compares a durable Forward, which waits for the
// stream's ack, with ForwardAsync, which does not, on one embedded node
// (64-byte messages, one caller).
func BenchmarkForward(b *testing.B) {
	n, err := Start(context.Background(), Config{NodeID: "bench", DataDir: b.TempDir(), Handler: &recorder{}, Log: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	data := make([]byte, 64)
	b.Run("Forward", func(b *testing.B) {
		for b.Loop() {
			if err := n.Forward("bench/sync", data, true); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("ForwardAsync", func(b *testing.B) {
		var failed atomic.Int64
		all := make(chan struct{})
		last := b.N - 1
		for i := range b.N {
			done := func(err error) {
				if err != nil {
					failed.Add(1)
				}
				if i == last { // done calls come in order
					close(all)
				}
			}
			if err := n.ForwardAsync("bench/async", data, done); err != nil {
				b.Fatal(err)
			}
		}
		<-all
		b.StopTimer()
		if f := failed.Load(); f > 0 {
			b.Fatalf("%d of %d messages failed", f, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}
