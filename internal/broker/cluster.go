package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/topic"
)

// Cluster is what the broker needs from the other nodes of a hob cluster
// (ARCHITECTURE.md "Scale-out"; internal/bus implements it over NATS).
// A broker without one (Config.Cluster nil) is a single node and pays
// nothing for clustering.
//
// In a cluster each node routes a message published on it to its own
// subscribers and consumers (rules, shadows) and forwards it to the other
// nodes, which deliver it to their subscribers only: so every subscriber
// gets it once and every consumer sees it once, on the node it arrived at.
type Cluster interface {
	// Forward hands a QoS 0 message published on this node (data: its
	// stored form) to the nodes with interest in topic, at most once.
	Forward(topic string, data []byte) error
	// ForwardAsync forwards a QoS 1 or 2 message durably (the bus keeps
	// it for Replay) without waiting: done is called once, on another
	// goroutine and in the order of the calls, when the bus keeps it or
	// could not, so a PUBACK follows the hand-over. A non-nil error means
	// done will not be called.
	ForwardAsync(topic string, data []byte, done func(error)) error
	// Interest says this node has one more subscription on filter;
	// NoInterest says it has one fewer. Calls are balanced.
	Interest(filter string)
	NoInterest(filter string)
	// Retained tells the other nodes that topic's retained message is
	// now data (its stored form), or gone when data is nil. This node has
	// written it to the shared store already.
	Retained(topic string, data []byte) error
	// Claim makes this node the owner of clientID: when another node
	// owns it, that node's connection is closed and its session made
	// durable and given up (Surrender) before Claim returns; when that
	// node is gone, Claim says so.
	Claim(ctx context.Context, clientID string) (Claim, error)
	// Release gives up this node's claim on clientID once its session
	// has ended.
	Release(clientID string)
	// Healthy says why this node cannot reach the others (nil: it can).
	Healthy() error
	// Replay calls fn with the durable messages on topics matching
	// filters that were forwarded at or after since, in order, until it
	// has caught up and tail has passed.
	Replay(ctx context.Context, filters []string, since time.Time, tail time.Duration, fn func(topic string, data []byte)) error
	// StoreDelay is the longest a successful ForwardAsync, on any node,
	// takes from its call to the bus keeping the message for Replay.
	StoreDelay() time.Duration
}

// Claim is what a claim found.
type Claim struct {
	// Previous is the node that owned the client id before ("": none).
	Previous string
	// Lost says Previous is gone: it could not surrender the session,
	// so what was forwarded to it since LastAlive may be missing from
	// the store.
	Lost bool
	// LastAlive is when Previous was last heard from; for this node, its
	// last heartbeat before it started. Zero when unknown.
	LastAlive time.Time
}

// errNoOwnership answers a CONNECT whose client id the cluster could not
// give this node.
var errNoOwnership = errors.New("the cluster could not give this node the client id")

// clustered reports whether the broker is a node of a cluster.
func (s *Server) clustered() bool { return s.cfg.Cluster != nil }

// forward hands a message published on this node to the other nodes. A
// QoS 1 or 2 message is forwarded durably and without waiting; a
// client's is acknowledged (acker.go) once the bus keeps it, and not if
// it could not.
func (s *Server) forward(m *Message, d *durable) {
	data := encodeStored(nil, m, m.QoS, m.Retain, nil)
	if m.QoS == 0 {
		if err := s.cfg.Cluster.Forward(m.Topic, data); err != nil {
			s.forwardFailed(m.Topic, err)
		}
		return
	}
	var w *waiter
	if d != nil && d.push {
		w = d.add()
	}
	err := s.cfg.Cluster.ForwardAsync(m.Topic, data, func(err error) {
		if err != nil {
			s.forwardFailed(m.Topic, err)
		}
		if w != nil {
			w.done(err)
		}
	})
	if err != nil { // done will not be called
		s.forwardFailed(m.Topic, err)
		if w != nil {
			w.done(err)
		}
	}
}

func (s *Server) forwardFailed(name string, err error) {
	s.stats.clusterForwardFailed.Add(1)
	s.log.Warn("broker: forwarding a message to the cluster failed", "topic", name, "err", err)
}

// DeliverRemote delivers a message another node forwarded (data: its
// stored form) to this node's subscribers, checking iot:Receive as for
// any delivery. It is neither consumed nor forwarded again here: the
// node it arrived at did both.
func (s *Server) DeliverRemote(name string, data []byte) {
	if s.closing.Load() {
		return
	}
	m, err := s.remoteMessage(name, data)
	if err != nil {
		s.log.Warn("broker: a message from the cluster does not decode", "topic", name, "err", err)
		return
	}
	s.stats.clusterReceived.Add(1)
	s.route(m, nil)
}

// remoteMessage decodes a message another node forwarded on topic name
// (data: its stored form), marked remote so that it is neither consumed
// nor forwarded again. A message that does not decode, or not to name,
// is counted and an error.
func (s *Server) remoteMessage(name string, data []byte) (*Message, error) {
	m, _, _, _, err := decodeStored(data)
	if err == nil && m.Topic != name {
		err = fmt.Errorf("it is for topic %q", m.Topic)
	}
	if err != nil {
		s.stats.clusterBadMessages.Add(1)
		return nil, err
	}
	m.arn = s.arn.topic + m.Topic
	m.remote = true
	return m, nil
}

// ApplyRetained records another node's change of a retained message in
// this node's memory; the other node wrote the store.
func (s *Server) ApplyRetained(name string, data []byte) {
	rs := &s.retained
	if data == nil {
		rs.mu.Lock()
		if _, had := rs.m[name]; had {
			delete(rs.m, name)
			s.stats.retained.Add(-1)
		}
		rs.mu.Unlock()
		return
	}
	m, _, _, _, err := decodeStored(data)
	if err != nil || m.Topic != name {
		s.stats.clusterBadMessages.Add(1)
		s.log.Warn("broker: a retained message from the cluster does not decode", "topic", name, "err", err)
		return
	}
	m.Retain = true
	m.arn = s.arn.topic + m.Topic
	rs.mu.Lock()
	if _, had := rs.m[name]; !had {
		s.stats.retained.Add(1)
	}
	rs.m[name] = m
	rs.mu.Unlock()
}

// shareRetained tells the other nodes about a retained change made here.
func (s *Server) shareRetained(m *Message) {
	var data []byte
	if len(m.Payload) > 0 {
		data = encodeStored(nil, m, m.QoS, true, nil)
	}
	if err := s.cfg.Cluster.Retained(m.Topic, data); err != nil {
		s.log.Warn("broker: telling the cluster about a retained message failed", "topic", m.Topic, "err", err)
	}
}

// subscribed and unsubscribed keep the cluster's view of this node's
// interest; a shared subscription is interest in its filter.
func (s *Server) subscribed(filter string) {
	if s.clustered() {
		s.cfg.Cluster.Interest(interestFilter(filter))
	}
}

func (s *Server) unsubscribed(filter string) {
	if s.clustered() {
		s.cfg.Cluster.NoInterest(interestFilter(filter))
	}
}

func interestFilter(filter string) string {
	if _, f, shared, err := topic.ParseShared(filter); shared && err == nil {
		return f
	}
	return filter
}

// claim makes this node the owner of the connecting client's id before it
// gets a session, loading a session another node gave up from the store.
func (c *conn) claim(ctx context.Context) *cause {
	s := c.srv
	if !s.clustered() {
		return nil
	}
	if err := s.cfg.Cluster.Healthy(); err != nil { // no split view: refuse at once
		return c.refuse(packet.ServerUnavailable, fmt.Sprintf("this node is cut off from its cluster: %v", err), reasonServerError)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	defer cancel()
	started := time.Now()
	claim, err := s.cfg.Cluster.Claim(ctx, c.clientID)
	if err != nil {
		s.log.Warn("broker: claiming a client id in the cluster failed", "clientId", c.clientID, "err", err)
		return c.refuse(packet.ServerUnavailable, fmt.Sprintf("%v: %v", errNoOwnership, err), reasonServerError)
	}
	ss, err := s.loadSession(ctx, c.clientID)
	if err != nil {
		s.log.Warn("broker: loading a session from the store failed", "clientId", c.clientID, "err", err)
		return c.refuse(packet.ServerUnavailable, "the session could not be loaded from the store", reasonServerError)
	}
	if ss != nil {
		s.replayInto(ss, s.replaySince(claim, started))
	}
	return nil
}

// Replay bounds (cluster.go): how far before the moment a session may
// have missed messages a replay starts, and how long this node's new
// interest may take to reach the others.
const (
	replayMargin   = 5 * time.Second
	replayInterest = 2 * time.Second
)

// replayTail is how long a replay keeps reading after catching up. A
// message routed, on any node, before the session and its interest were
// there went to no subscriber of the session, only to the bus; it is
// kept there within StoreDelay of its routing (or its publisher was not
// acknowledged): while a stream elects a new leader after a node died,
// that is seconds.
func (s *Server) replayTail() time.Duration {
	return replayInterest + s.cfg.Cluster.StoreDelay()
}

// replaySince is when a session loaded from the store may have begun to
// miss messages: when its node was last alive, if that node is gone or
// is this one before a restart; otherwise when this claim began (the
// previous node surrendered it then, and dropped its interest). Zero
// means the whole durable stream.
func (s *Server) replaySince(claim Claim, started time.Time) time.Time {
	since := started
	if claim.Lost || (claim.Previous != "" && claim.Previous == s.cfg.NodeID) {
		since = claim.LastAlive
	}
	if since.IsZero() {
		return since
	}
	return since.Add(-replayMargin)
}

// replayInto delivers to ss, in the background, the durable messages for
// its subscriptions forwarded since: QoS 1 allows the duplicates of what
// it has already, and this way none that its previous node took is lost
// with that node. Shared subscriptions are not replayed.
func (s *Server) replayInto(ss *session, since time.Time) {
	ss.mu.Lock()
	filters := make([]string, 0, len(ss.subs))
	for f := range ss.subs {
		if _, _, shared, _ := topic.ParseShared(f); !shared {
			filters = append(filters, f)
		}
	}
	ss.mu.Unlock()
	if len(filters) == 0 {
		return
	}
	if s.closing.Load() {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { // Close ends the replay
			select {
			case <-s.quit:
				cancel()
			case <-ctx.Done():
			}
		}()
		n := 0
		err := s.cfg.Cluster.Replay(ctx, filters, since, s.replayTail(), func(name string, data []byte) {
			if s.deliverReplayed(ss, name, data) {
				n++
			}
		})
		if err != nil {
			s.log.Warn("broker: replaying a session's messages failed", "clientId", ss.clientID, "err", err)
		}
		s.stats.clusterReplayed.Add(uint64(n))
	}()
}

// deliverReplayed delivers one replayed message to ss, as its matching
// subscriptions would have. It reports whether it went to the session.
func (s *Server) deliverReplayed(ss *session, name string, data []byte) bool {
	m, err := s.remoteMessage(name, data)
	if err != nil {
		return false
	}
	ss.mu.Lock()
	var qos packet.QoS
	matched, rap := false, false
	var ids []uint32
	for f, o := range ss.subs {
		if _, _, shared, _ := topic.ParseShared(f); shared || !s.cfg.MatchMode.Match(f, name) {
			continue
		}
		matched = true
		qos, rap = max(qos, o.qos), rap || o.rap
		ids = append(ids, o.ids...)
	}
	ss.mu.Unlock()
	if !matched || m.expired(time.Now()) {
		return false
	}
	ss.deliver(m, min(m.QoS, qos), m.Retain && rap, ids, nil)
	return true
}

// loadSession loads clientID's persistent session from the store when
// this node does not hold it: the node that held it gave it up, or it
// was stored before this node started. It returns the session it loaded,
// or nil when it loaded none.
func (s *Server) loadSession(ctx context.Context, clientID string) (*session, error) {
	if s.st == nil {
		return nil, nil
	}
	s.mu.Lock()
	_, held := s.sessions[clientID]
	s.mu.Unlock()
	if held {
		return nil, nil
	}
	var recs [4][]store.Record // sessions, QoS 2 out, queue, QoS 2 in
	err := s.st.View(ctx, func(tx store.ReadTx) error {
		r, err := tx.Get(tableSessions, clientID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		recs[0] = append(recs[0], r)
		for i, table := range []string{tableQoS2Out, tableQueue, tableQoS2In} {
			err := tx.Scan(table, store.Query{Prefix: queuePrefix(clientID)}, func(r store.Record) bool {
				recs[i+1] = append(recs[i+1], r)
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(recs[0]) == 0 {
		return nil, err
	}
	return s.adoptSession(recs, time.Now())
}

// adoptSession installs a session read from the store, unless a session
// with its client id appeared meanwhile, and returns it (nil when it
// installed none).
func (s *Server) adoptSession(recs [4][]store.Record, now time.Time) (*session, error) {
	var stale []persistOp
	out := map[string]qos2Out{}
	s.mu.Lock()
	if _, held := s.sessions[recs[0][0].Key]; held {
		s.mu.Unlock()
		return nil, nil
	}
	var errs []error
	errs = append(errs, s.restoreSession(recs[0][0], now, &stale))
	for _, r := range recs[1] {
		errs = append(errs, restoreQoS2Out(r, out, &stale))
	}
	for _, r := range recs[2] {
		errs = append(errs, s.restoreQueued(r, out, &stale))
	}
	for _, r := range recs[3] {
		errs = append(errs, s.restoreQoS2In(r, &stale))
	}
	ss := s.sessions[recs[0][0].Key] // nil when the record had expired
	s.mu.Unlock()
	for key := range out {
		stale = append(stale, persistOp{kind: opDelete, table: tableQoS2Out, key: key})
	}
	for _, op := range stale {
		s.persist.submit(op)
	}
	return ss, errors.Join(errs...)
}

// Surrender gives clientID up to another node that claimed it: its
// connection here is closed as a takeover (MQTT 5: DISCONNECT 0x8E), and
// its session, made durable, leaves this node's memory without leaving
// the store, so the claiming node loads it.
func (s *Server) Surrender(ctx context.Context, clientID string) error {
	s.mu.Lock()
	ss := s.sessions[clientID]
	s.mu.Unlock()
	if ss == nil {
		return nil
	}
	if old := ss.current(); old != nil {
		s.stats.takeovers.Add(1)
		old.kick(causeTakeover)
		select {
		case <-old.detached:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	if s.sessions[clientID] != ss || ss.current() != nil {
		s.mu.Unlock()
		return nil // it ended, or a client reconnected here meanwhile
	}
	delete(s.sessions, clientID)
	s.stats.sessions.Add(-1)
	ss.mu.Lock()
	ss.ended = true // deliveries racing with this go nowhere; the store has the rest
	subs := ss.subs
	ss.subs = map[string]subOpts{}
	if ss.willStop != nil {
		ss.willStop() // the session resumes elsewhere, which cancels a delayed Will [MQTT-3.1.3-9]
	}
	ss.will, ss.willStop = nil, nil
	w := new(waiter)
	w.wg.Add(1)
	ss.stored = true
	ss.mu.Unlock()
	s.mu.Unlock()
	for f := range subs {
		s.subs.Unsubscribe(f, ss)
		s.unsubscribed(f)
	}
	// The persister writes in order, so once a write submitted now is
	// durable, so is everything the session queued before it (a broker
	// without a store has nothing to wait for: submit tells w at once).
	s.persist.submit(persistOp{kind: opDelete, table: tableClusterBarrier, key: clientID, w: w})
	return waitDurable(ctx, w)
}

// tableClusterBarrier holds no data: a delete in it marks a point in the
// persister's order that Surrender waits for.
const tableClusterBarrier = "broker.barrier"

func waitDurable(ctx context.Context, w *waiter) error {
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// releaseOwnership gives up the cluster's claim on a session that ended.
func (s *Server) releaseOwnership(clientID string) {
	if s.clustered() {
		s.cfg.Cluster.Release(clientID)
	}
}
