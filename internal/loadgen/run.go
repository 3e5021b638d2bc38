package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Phases of a run, for the progress line.
const (
	phaseConnecting int32 = iota
	phaseRunning
	phaseDraining
)

// run is the state of one Run. Every goroutine it starts is waited for
// before Run returns: readers (one per connection), publishers, and the
// background pair (pinger and progress).
type run struct {
	cfg    Config
	topo   topology
	d      dialer
	id     string // run id, part of every client id
	shards []*latencyShard

	mu    sync.Mutex // guards the slices below while connections open
	conns []*conn    // every open connection, in opening order
	subs  []*subscriber
	pubs  []*publisher

	readers sync.WaitGroup
	errs    errorLog
	phase   atomic.Int32

	connected, connectFailed atomic.Int64
	connectMu                sync.Mutex // guards connectHist
	connectHist              Histogram

	start, stop time.Time // publishing began and ended
	recvAtStop  uint64    // messages received by stop
}

// Run performs one benchmark run as cfg describes and returns its report.
// It fails before any load when cfg is invalid or when a subscriber or
// publisher cannot connect or subscribe; connections that fail in conn
// mode, and errors during the load, are in the report. Cancelling ctx
// ends the run early and still reports.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	cleanup := func() error { return nil }
	if cfg.Provision != nil {
		if cleanup, err = r.provision(ctx); err != nil {
			return nil, err
		}
	}
	rep, err := r.execute(ctx)
	r.closeAll()
	if cerr := cleanup(); cerr != nil {
		if rep == nil {
			return nil, errors.Join(err, cerr)
		}
		r.errs.add(cerr)
		rep.ErrorCount, rep.Errors = r.errs.snapshot()
	}
	return rep, err
}

// newRun lays out the run and prepares its dialer.
func newRun(cfg Config) (*run, error) {
	addr, useTLS, _ := cfg.endpoint()
	r := &run{cfg: cfg, topo: topologyOf(&cfg), id: runID()}
	r.d = dialer{addr: addr, v: packet.V311, keepAlive: cfg.KeepAlive}
	if cfg.MQTT == 5 {
		r.d.v = packet.V5
	}
	if useTLS {
		tc, err := tlsConfig(cfg.TLS, addr)
		if err != nil {
			return nil, err
		}
		r.d.tls = tc
	}
	limit, err := raiseFileLimit()
	if err != nil {
		return nil, fmt.Errorf("raising the open-file limit: %w", err)
	}
	if need := r.topo.connections() + 32; limit > 0 && uint64(need) > limit {
		return nil, fmt.Errorf("%d connections need about %d open files; the limit is %d", r.topo.connections(), need, limit)
	}
	r.subs = make([]*subscriber, len(r.topo.subFilters))
	r.pubs = make([]*publisher, len(r.topo.pubTopics))
	r.shards = make([]*latencyShard, min(max(len(r.subs), 1), 16))
	for i := range r.shards {
		r.shards[i] = new(latencyShard)
	}
	return r, nil
}

// execute connects, loads, drains and reports.
func (r *run) execute(ctx context.Context) (*Report, error) {
	rep := r.newReport()
	rep.Broker = r.sampleBroker(nil)
	bgCtx, stopBg := context.WithCancel(ctx)
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { defer bg.Done(); r.pinger(bgCtx) }()
	go func() { defer bg.Done(); r.progress(bgCtx) }()
	defer bg.Wait()
	defer stopBg()

	t0 := time.Now()
	if err := r.connectAll(ctx); err != nil {
		return nil, err
	}
	rep.Connect = r.connectStats(time.Since(t0))
	r.sampleBroker(rep.Broker)
	m0 := sampleMachine()
	r.load(ctx)
	r.sampleBroker(rep.Broker)
	rep.Machine.settle(m0, sampleMachine(), rep.Broker.loadCPU())
	r.closeAll()
	r.fill(rep)
	return rep, nil
}

// addConn registers a connection that opened, and starts its reader.
func (r *run) addConn(c *conn, recv receiver) {
	c.dead = make(chan struct{})
	r.mu.Lock()
	r.conns = append(r.conns, c)
	r.mu.Unlock()
	r.readers.Add(1)
	go func() {
		defer r.readers.Done()
		defer close(c.dead)
		if err := c.readLoop(recv); err != nil {
			r.errs.add(err)
		}
	}()
}

// connections returns the connections open so far.
func (r *run) connections() []*conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

// closeAll disconnects every connection and waits for the readers. It is
// safe to call more than once.
func (r *run) closeAll() {
	for _, c := range r.connections() {
		c.close()
	}
	r.readers.Wait()
}

// clientID names connection i of a kind ('s'ubscriber, 'p'ublisher,
// 'c'onnection) uniquely for this run.
func (r *run) clientID(kind byte, i int) string {
	return fmt.Sprintf("%s-%s-%c%d", r.cfg.ClientID, r.id, kind, i)
}

// runID returns a short random id that keeps two runs' client ids apart.
func runID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
