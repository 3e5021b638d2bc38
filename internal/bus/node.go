package bus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Timeouts of the node's own work.
const (
	// startTimeout bounds Start when its ctx has no earlier deadline: a
	// fresh JetStream cluster elects its meta leader, then the bucket's
	// leader, which takes seconds on a loaded machine.
	startTimeout = 30 * time.Second
	// closeTimeout bounds how long Close waits for the connection to drain.
	closeTimeout = drainTimeout + 2*time.Second
)

// ErrClosed is returned by a Node's methods after Close.
var ErrClosed = errors.New("bus: node closed")

// Node is one hob node's attachment to the bus: its NATS connection (and
// embedded server), its forwarding interest, its claims on client ids and
// its view of the other nodes. Its methods are safe for concurrent use.
type Node struct {
	cfg  Config
	log  *slog.Logger
	boot string // random id of this run: tells two runs of one NodeID apart

	srv        *server.Server // the embedded server; nil with external servers
	nc         *nats.Conn
	connClosed chan struct{} // closed when nc has closed
	js         jetstream.JetStream
	kv         jetstream.KeyValue // the owners bucket
	nodes      jetstream.KeyValue // the heartbeats bucket
	// prevAlive is this node's last heartbeat from before this run, read
	// at start; zero when unknown.
	prevAlive time.Time

	// ctx ends when Close has drained the connection; it bounds the
	// node's goroutines and the Surrender calls they make.
	ctx    context.Context
	cancel context.CancelFunc
	closed atomic.Bool

	// mu guards stopping; a goroutine is added to wg only while stopping
	// is false, so that Close's wg.Wait sees every goroutine.
	mu       sync.Mutex
	stopping bool
	wg       sync.WaitGroup

	fwd   forwarder
	async asyncForwards
	// budget is how long a durable forward is tried: durableBudget (tests
	// shorten it before forwarding).
	budget   time.Duration
	interest interest
	inbox    chan *nats.Msg // forwarded messages, from every interest subscription
	members  members
	stats    counters
}

// Start starts a node as cfg says (see Config for the three modes):
// the embedded server if any, the connection, the subscriptions to the
// bus's control subjects, the JetStream KV buckets of client-id owners
// (hob_owners) and heartbeats (hob_nodes), the durable stream
// (HOB_DURABLE), and the heartbeat. It returns once the buckets and the
// stream answer, retrying JetStream with short attempts for at most 30 s
// or until ctx ends; an embedded node of a cluster therefore returns only
// once a JetStream quorum of its peers is up, so peers must start
// concurrently.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	n := newNode(cfg)
	if err := n.start(ctx); err != nil {
		_ = n.Close()
		return nil, fmt.Errorf("bus: start node %s: %w", cfg.NodeID, err)
	}
	n.log.Info("bus: node started", "node", cfg.NodeID, "embedded", cfg.embedded(), "clustered", cfg.ClusterAddr != "")
	return n, nil
}

// newNode returns a node that has not started.
func newNode(cfg Config) *Node {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := &Node{
		cfg:        cfg,
		log:        cfg.logger(),
		boot:       hex.EncodeToString(b[:]),
		connClosed: make(chan struct{}),
		inbox:      make(chan *nats.Msg, inboxSize),
		budget:     durableBudget,
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	n.interest.refs = map[string]int{}
	n.interest.subs = map[string]*nats.Subscription{}
	n.members.seen = map[string]time.Time{}
	n.initAsync()
	return n
}

// start runs Start's steps; Close undoes whatever of them happened.
func (n *Node) start(ctx context.Context) error {
	if n.cfg.embedded() {
		srv, err := startServer(&n.cfg, n.log)
		if err != nil {
			return err
		}
		n.srv = srv
	}
	if err := n.connect(); err != nil {
		return err
	}
	n.goRun(n.deliverLoop)
	if err := n.subscribeControl(); err != nil {
		return err
	}
	js, err := jetstream.New(n.nc,
		jetstream.WithPublishAsyncTimeout(durableAttempt),
		jetstream.WithPublishAsyncMaxPending(durableMaxPending))
	if err != nil {
		return fmt.Errorf("JetStream: %w", err)
	}
	n.js = js
	if err := n.openOwners(ctx); err != nil {
		return err
	}
	if err := n.openNodes(ctx); err != nil {
		return err
	}
	if err := n.openDurable(ctx); err != nil {
		return err
	}
	n.goRun(n.heartbeatLoop)
	n.goRun(n.aliveLoop)
	return nil
}

// ID returns the node's id, Config.NodeID.
func (n *Node) ID() string { return n.cfg.NodeID }

// Close leaves the bus: it settles the messages ForwardAsync still has
// pending (waiting up to a second for their acks, then calling their done
// with ErrClosed), tells the other nodes, drains the connection (retained
// changes and invalidations already received are still handled; forwarded
// messages still queued are dropped; publications are flushed), waits for
// the node's goroutines and stops the embedded server. Once it returns,
// the node calls no Handler method and no ForwardAsync done. A Surrender
// still running is cut short (its ctx ends). Close is idempotent; later
// calls return nil.
func (n *Node) Close() error {
	if !n.closed.CompareAndSwap(false, true) {
		return nil
	}
	n.stopAsync()
	var err error
	if n.nc != nil {
		n.sayGoodbye()
		err = n.drain()
	}
	n.mu.Lock()
	n.stopping = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
	return err
}

// drain drains the connection and waits until it has closed.
func (n *Node) drain() error {
	if err := n.nc.Drain(); err != nil {
		n.nc.Close() // not connected: nothing can drain
	}
	select {
	case <-n.connClosed:
		return nil
	case <-time.After(closeTimeout):
		n.nc.Close()
		return fmt.Errorf("bus: close node %s: the NATS connection did not drain within %v", n.cfg.NodeID, closeTimeout)
	}
}

// goRun runs f in a goroutine that Close waits for, unless Close has
// begun to wait; it reports whether f runs.
func (n *Node) goRun(f func()) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopping {
		return false
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
	return true
}

// Healthy returns nil when the node is connected to NATS and its embedded
// server (if any) runs, and otherwise an error saying what is wrong: a
// node cut off from NATS can neither forward nor claim, and must fail its
// health check.
func (n *Node) Healthy() error {
	if n.closed.Load() {
		return ErrClosed
	}
	if n.srv != nil && !n.srv.Running() {
		return fmt.Errorf("bus: node %s: its embedded NATS server is not running", n.cfg.NodeID)
	}
	if st := n.nc.Status(); st != nats.CONNECTED {
		if last := n.nc.LastError(); last != nil {
			return fmt.Errorf("bus: node %s: not connected to NATS (%v; last error: %v)", n.cfg.NodeID, st, last)
		}
		return fmt.Errorf("bus: node %s: not connected to NATS (%v)", n.cfg.NodeID, st)
	}
	return nil
}
