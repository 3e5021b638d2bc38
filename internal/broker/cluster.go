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
	// Forward hands a message published on this node (data: its stored
	// form) to the nodes with interest in topic. With flush it returns
	// once the bus holds it, so a QoS 1 PUBACK follows the hand-over.
	Forward(topic string, data []byte, flush bool) error
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
	// durable and given up (Surrender) before Claim returns.
	Claim(ctx context.Context, clientID string) error
	// Release gives up this node's claim on clientID once its session
	// has ended.
	Release(clientID string)
}

// errNoOwnership answers a CONNECT whose client id the cluster could not
// give this node.
var errNoOwnership = errors.New("the cluster could not give this node the client id")

// clustered reports whether the broker is a node of a cluster.
func (s *Server) clustered() bool { return s.cfg.Cluster != nil }

// forward hands a message published on this node to the other nodes. A
// client's QoS 1 or 2 message is flushed, and its publisher is not
// acknowledged (d fails) if the bus would not take it.
func (s *Server) forward(m *Message, d *durable) {
	data := encodeStored(nil, m, m.QoS, m.Retain, nil)
	flush := d != nil && d.push && m.QoS > 0
	var w *waiter
	if flush {
		w = d.add()
	}
	err := s.cfg.Cluster.Forward(m.Topic, data, flush)
	if err != nil {
		s.stats.clusterForwardFailed.Add(1)
		s.log.Warn("broker: forwarding a message to the cluster failed", "topic", m.Topic, "err", err)
	}
	if w != nil {
		w.done(err)
	}
}

// DeliverRemote delivers a message another node forwarded (data: its
// stored form) to this node's subscribers, checking iot:Receive as for
// any delivery. It is neither consumed nor forwarded again here: the
// node it arrived at did both.
func (s *Server) DeliverRemote(name string, data []byte) {
	if s.closing.Load() {
		return
	}
	m, _, _, _, err := decodeStored(data)
	if err != nil || m.Topic != name {
		s.stats.clusterBadMessages.Add(1)
		s.log.Warn("broker: a message from the cluster does not decode", "topic", name, "err", err)
		return
	}
	m.arn = s.arn.topic + m.Topic
	m.remote = true
	s.stats.clusterReceived.Add(1)
	s.route(m, nil)
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
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	defer cancel()
	if err := s.cfg.Cluster.Claim(ctx, c.clientID); err != nil {
		s.log.Warn("broker: claiming a client id in the cluster failed", "clientId", c.clientID, "err", err)
		return c.refuse(packet.ServerUnavailable, fmt.Sprintf("%v: %v", errNoOwnership, err), reasonServerError)
	}
	if err := s.loadSession(ctx, c.clientID); err != nil {
		s.log.Warn("broker: loading a session from the store failed", "clientId", c.clientID, "err", err)
		return c.refuse(packet.ServerUnavailable, "the session could not be loaded from the store", reasonServerError)
	}
	return nil
}

// loadSession loads clientID's persistent session from the store when
// this node does not hold it: the node that held it gave it up, or it
// was stored before this node started.
func (s *Server) loadSession(ctx context.Context, clientID string) error {
	if s.st == nil {
		return nil
	}
	s.mu.Lock()
	_, held := s.sessions[clientID]
	s.mu.Unlock()
	if held {
		return nil
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
		return err
	}
	return s.adoptSession(recs, time.Now())
}

// adoptSession installs a session read from the store, unless a session
// with its client id appeared meanwhile.
func (s *Server) adoptSession(recs [4][]store.Record, now time.Time) error {
	var stale []persistOp
	out := map[string]qos2Out{}
	s.mu.Lock()
	if _, held := s.sessions[recs[0][0].Key]; held {
		s.mu.Unlock()
		return nil
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
	s.mu.Unlock()
	for key := range out {
		stale = append(stale, persistOp{kind: opDelete, table: tableQoS2Out, key: key})
	}
	for _, op := range stale {
		s.persist.submit(op)
	}
	return errors.Join(errs...)
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
