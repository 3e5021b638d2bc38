package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/topic"
)

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("broker: closed")

// Server is the MQTT broker. Create it with New, feed it connections with
// Serve or ServeConn, and stop it with Close. All methods are safe for
// concurrent use. See LOCKING.md for its locks and goroutines.
type Server struct {
	cfg   Config
	authz Authorizer
	st    store.Store
	log   *slog.Logger
	arn   arnPrefixes

	subs      *topic.Index[*session, subOpts]
	consumers *topic.Index[*consumerReg, struct{}]
	retained  retainedSet
	persist   *persister
	stats     counters
	poller    *poller // parks idle connections; nil: they keep their goroutines
	reclaim   reclaimer

	sessionSeq atomic.Uint64 // session ids

	mu        sync.Mutex // guards the maps below; see LOCKING.md
	sessions  map[string]*session
	conns     map[*conn]struct{}
	listeners map[net.Listener]struct{}

	closing atomic.Bool    // Close has begun: nothing new starts
	quit    chan struct{}  // closed by Close: stops the sweeper
	wg      sync.WaitGroup // connections, accept loops, the sweeper, timer callbacks
	closed  chan struct{}  // closed when Close has finished
}

// New returns a broker configured by cfg that authenticates clients with
// authz and keeps persistent sessions and retained messages in st, from
// which it first loads those a previous run left. st may be nil: the
// broker then keeps everything in memory only.
func New(cfg Config, authz Authorizer, st store.Store, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if authz == nil {
		return nil, errors.New("broker: an Authorizer is required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg: cfg, authz: authz, st: st, log: log, arn: newARNPrefixes(cfg.Account),
		subs:      topic.NewIndex[*session, subOpts](cfg.MatchMode),
		consumers: topic.NewIndex[*consumerReg, struct{}](cfg.MatchMode),
		retained:  retainedSet{m: map[string]*Message{}},
		sessions:  map[string]*session{},
		conns:     map[*conn]struct{}{},
		listeners: map[net.Listener]struct{}{},
		quit:      make(chan struct{}),
		closed:    make(chan struct{}),
	}
	s.persist = newPersister(st, log, &s.stats)
	if err := s.restore(context.Background()); err != nil {
		s.persist.close()
		return nil, fmt.Errorf("broker: load state: %w", err)
	}
	if cfg.IdleAfter > 0 {
		var err error
		if s.poller, err = newPoller(cfg.IdleAfter/2, s.idleScan); err != nil {
			log.Warn("broker: idle connections will keep their goroutines", "err", err)
		}
	}
	s.wg.Add(1)
	go s.sweepLoop()
	return s, nil
}

// enter registers one more goroutine or call that Close must wait for,
// and reports false, registering nothing, once Close has begun.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.wg.Add(1)
	return true
}

// after runs fn after d on its own goroutine, which Close waits for,
// unless stop is called first or Close has begun by then.
func (s *Server) after(d time.Duration, fn func()) (stop func() bool) {
	t := time.AfterFunc(d, func() {
		if !s.enter() {
			return
		}
		defer s.wg.Done()
		fn()
	})
	return t.Stop
}

// sweepLoop runs sweep every SweepInterval until Close.
func (s *Server) sweepLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			s.sweep(now)
		case <-s.quit:
			return
		}
	}
}

// Serve accepts connections on ln, arriving over transport t, and serves
// each on its own goroutine, until ctx is done or Close is called; it
// then returns nil, having closed ln. Other accept errors are retried
// with a growing pause when they look temporary (out of descriptors) and
// returned otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener, t Transport) error {
	if !s.enter() {
		_ = ln.Close()
		return nil
	}
	defer s.wg.Done()
	s.mu.Lock()
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	var pause time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() || ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("broker: accept: %w", err)
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			s.log.Warn("broker: accept failed; retrying", "err", err, "pause", pause)
			time.Sleep(pause)
			continue
		}
		pause = 0
		if !s.enter() {
			_ = nc.Close()
			return nil
		}
		go s.serveConn(ctx, nc, t, true)
	}
}

// ServeConn serves one connection that arrived over transport t and
// returns when it has ended. A *tls.Conn whose handshake has not run yet
// is handshaken first; its peer certificates go to the Authorizer. On
// TransportTLS and TransportALPN a client without a certificate never
// gets a session. When ctx is done the connection is closed as at
// shutdown. app calls it for the ALPN x-amzn-mqtt-ca handoff.
func (s *Server) ServeConn(ctx context.Context, nc net.Conn, t Transport) {
	if !s.enter() {
		_ = nc.Close()
		return
	}
	s.serveConn(ctx, nc, t, false)
}

// Close stops the broker: it closes the listeners, disconnects every
// client (MQTT 5: DISCONNECT 0x8B Server shutting down; Wills are not
// published, as the sessions live on), waits for every goroutine, and
// writes the sessions' state to the store. It does not close the store.
// Close is idempotent; later calls wait for the first to finish.
func (s *Server) Close() error {
	if !s.closing.CompareAndSwap(false, true) {
		<-s.closed
		return nil
	}
	s.mu.Lock()
	close(s.quit)
	lns := make([]net.Listener, 0, len(s.listeners))
	for ln := range s.listeners {
		lns = append(lns, ln)
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, ln := range lns {
		_ = ln.Close()
	}
	for _, c := range conns {
		c.kick(causeShutdown)
	}
	s.wg.Wait()
	s.poller.close()
	s.persist.close()
	close(s.closed)
	return nil
}
