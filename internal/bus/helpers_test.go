package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// deadline bounds every wait of the tests: generous, for a loaded machine.
const deadline = 20 * time.Second

// waitFor polls cond until it holds, or fails the test after deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("after %v: %s", deadline, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// event is one Handler call a recorder saw.
type event struct {
	topic string // or the client id (Surrender), or the kind (Invalidate)
	data  string
	nil   bool // data was nil
}

// recorder is a Handler that records its calls.
type recorder struct {
	mu          sync.Mutex
	delivered   []event
	retained    []event
	invalidated []event
	surrendered []string
	// refuse makes Surrender fail for these client ids.
	refuse map[string]bool
}

func (r *recorder) DeliverRemote(topic string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delivered = append(r.delivered, event{topic, string(data), data == nil})
}

func (r *recorder) ApplyRetained(topic string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retained = append(r.retained, event{topic, string(data), data == nil})
}

func (r *recorder) Surrender(_ context.Context, clientID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.surrendered = append(r.surrendered, clientID)
	if r.refuse[clientID] {
		return errors.New("the store is down")
	}
	return nil
}

func (r *recorder) Invalidate(kind string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.invalidated = append(r.invalidated, event{kind, string(data), data == nil})
}

// count returns how many events of the list that get picks equal e.
func (r *recorder) count(get func(*recorder) []event, e event) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range get(r) {
		if x == e {
			n++
		}
	}
	return n
}

// has reports whether the list that get picks holds e.
func (r *recorder) has(get func(*recorder) []event, e event) bool { return r.count(get, e) > 0 }

// len returns the length of the list that get picks.
func (r *recorder) len(get func(*recorder) []event) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(get(r))
}

// surrenders returns how many times Surrender ran for clientID.
func (r *recorder) surrenders(clientID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, id := range r.surrendered {
		if id == clientID {
			n++
		}
	}
	return n
}

// snapshot returns a copy of the list that get picks.
func (r *recorder) snapshot(get func(*recorder) []event) []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(get(r))
}

func delivered(r *recorder) []event   { return r.delivered }
func retained(r *recorder) []event    { return r.retained }
func invalidated(r *recorder) []event { return r.invalidated }

var _ Handler = (*recorder)(nil)

// testLogger returns a logger into the test's log, which is shown only
// when the test fails (or with -v). Lines logged after the test has
// ended are dropped.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

// freePorts returns n loopback ports that were free a moment ago, drawn
// below the kernel's ephemeral range (which starts at 32768 by default),
// so that no connection's source port takes one before NATS binds it.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries == 1000 {
			t.Fatal("no free loopback port below the ephemeral range")
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000)))
		if err != nil {
			continue
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// startNode starts a node and closes it when the test ends.
func startNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// startCluster starts one node per id, each with its embedded server, all
// routed to each other over loopback, and closes them when the test ends.
// They start concurrently: each Start waits for a JetStream quorum.
func startCluster(t *testing.T, ids ...string) ([]*Node, []*recorder) {
	t.Helper()
	log := testLogger(t)
	ports := freePorts(t, len(ids))
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	nodes, recs, errs := make([]*Node, len(ids)), make([]*recorder, len(ids)), make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		recs[i] = &recorder{refuse: map[string]bool{}}
		cfg := Config{
			NodeID: id, ClusterAddr: fmt.Sprintf("127.0.0.1:%d", ports[i]), Routes: routes,
			DataDir: t.TempDir(), Handler: recs[i], Log: log.With("node", id),
		}
		wg.Go(func() { nodes[i], errs[i] = Start(context.Background(), cfg) })
	}
	wg.Wait()
	for _, n := range nodes {
		if n != nil {
			t.Cleanup(func() { n.Close() })
		}
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return nodes, recs
}

// startNATS starts a stand-alone NATS server with JetStream on an
// ephemeral loopback port, and shuts it down when the test ends.
func startNATS(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		ServerName: "ext", Host: "127.0.0.1", Port: server.RANDOM_PORT,
		JetStream: true, StoreDir: t.TempDir(), NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.SetLoggerV2(serverLog{testLogger(t).With("server", "ext")}, false, false, false)
	s.Start()
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	if !s.ReadyForConnections(deadline) {
		t.Fatal("the NATS server is not ready")
	}
	return s
}

// membersAre reports whether n sees exactly ids.
func membersAre(n *Node, ids ...string) bool {
	return slices.Equal(n.Members(), ids)
}

// forwardUntil forwards a message from n on topic until r has it: for a
// subscription that NATS is still propagating.
func forwardUntil(t *testing.T, n *Node, r *recorder, topic, data string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%s never delivered %q on %q", "the receiver", data, topic), func() bool {
		if err := n.Forward(topic, []byte(data), false); err != nil {
			t.Fatal(err)
		}
		return r.has(delivered, event{topic: topic, data: data})
	})
}
