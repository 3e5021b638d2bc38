package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/store"
)

// sessionRecord is a persistent session as the store keeps it; its
// queued deliveries are separate records in tableQueue.
type sessionRecord struct {
	Version uint8       `json:"version"`
	Expiry  uint32      `json:"expiry"`            // seconds
	Offline int64       `json:"offline,omitempty"` // Unix ms of the disconnect; 0 while connected
	Subs    []subRecord `json:"subs,omitempty"`
}

type subRecord struct {
	Filter  string `json:"filter"`
	QoS     uint8  `json:"qos"`
	NoLocal bool   `json:"noLocal,omitempty"`
	RAP     bool   `json:"rap,omitempty"`
	RH      uint8  `json:"rh,omitempty"`
	ID      uint32 `json:"id,omitempty"`
}

// saveLocked writes the session's record: its expiry, subscriptions and
// disconnect time. w, if not nil, is told when it is durable.
func (ss *session) saveLocked(w *waiter) {
	p := ss.srv.persist
	if !p.enabled() {
		if w != nil {
			w.done(nil)
		}
		return
	}
	rec := sessionRecord{Version: uint8(ss.version), Expiry: ss.expiry, Offline: unixMilli(ss.offline)}
	if ss.conn != nil {
		rec.Offline = 0
	}
	for f, o := range ss.subs {
		r := subRecord{Filter: f, QoS: uint8(o.qos), NoLocal: o.noLocal, RAP: o.rap, RH: uint8(o.rh)}
		if len(o.ids) > 0 {
			r.ID = o.ids[0]
		}
		rec.Subs = append(rec.Subs, r)
	}
	b, _ := json.Marshal(rec) // cannot fail: plain types
	ss.stored = true
	p.put(tableSessions, ss.clientID, b, w)
}

// storeLocked writes a QoS 1 or 2 delivery of a persistent session to the
// store before its publisher is acknowledged (spec §4.4).
func (ss *session) storeLocked(e *qentry, d *durable) {
	p := ss.srv.persist
	if !p.enabled() {
		return
	}
	ss.nextSeq++
	e.seq = ss.nextSeq
	p.put(tableQueue, queueKey(ss.clientID, e.seq), encodeStored(nil, e.msg, e.qos, e.retain, e.ids), d.add())
}

// unstoreLocked deletes a delivery's record once it is acknowledged or
// dropped. Nobody waits: if the delete is lost, the message is delivered
// again, which QoS 1 allows.
func (ss *session) unstoreLocked(seq uint64) {
	if seq != 0 {
		ss.srv.persist.delete(tableQueue, queueKey(ss.clientID, seq), nil)
	}
}

// forgetLocked deletes everything the store holds about the session. The
// caller holds Server.mu, so a new session with the same client id
// writes only after this.
func (ss *session) forgetLocked() {
	if !ss.stored && ss.nextSeq == 0 {
		return
	}
	p := ss.srv.persist
	for _, op := range forgetStored(ss.clientID) {
		p.submit(op)
	}
	ss.stored = false
}

// restore loads the persistent sessions, their queued deliveries, their
// QoS 2 state and the retained messages from the store. Sessions whose expiry passed are
// deleted; a session that was connected when the broker stopped counts
// as disconnected now.
func (s *Server) restore(ctx context.Context) error {
	if s.st == nil {
		return nil
	}
	now := time.Now()
	var stale []persistOp // deleted once the snapshot is closed
	err := s.st.View(ctx, func(tx store.ReadTx) error {
		var errs []error
		scan := func(table string, fn func(store.Record) error) {
			err := tx.Scan(table, store.Query{}, func(r store.Record) bool {
				if err := fn(r); err != nil {
					errs = append(errs, fmt.Errorf("%s %q: %w", table, r.Key, err))
				}
				return true
			})
			if err != nil {
				errs = append(errs, err)
			}
		}
		out := map[string]qos2Out{}
		if s.clustered() {
			// Sessions belong to the node that claims their client id,
			// which loads them when the client connects (cluster.go).
			scan(tableRetained, func(r store.Record) error { return s.restoreRetained(r, now, &stale) })
			return nil
		}
		scan(tableSessions, func(r store.Record) error { return s.restoreSession(r, now, &stale) })
		scan(tableQoS2Out, func(r store.Record) error { return restoreQoS2Out(r, out, &stale) })
		scan(tableQueue, func(r store.Record) error { return s.restoreQueued(r, out, &stale) })
		scan(tableQoS2In, func(r store.Record) error { return s.restoreQoS2In(r, &stale) })
		scan(tableRetained, func(r store.Record) error { return s.restoreRetained(r, now, &stale) })
		for key := range out { // states whose delivery had ended
			stale = append(stale, persistOp{kind: opDelete, table: tableQoS2Out, key: key})
		}
		for _, err := range errs {
			s.log.Warn("broker: skipped a stored record", "err", err)
		}
		return nil
	})
	for _, op := range stale {
		s.persist.submit(op)
	}
	return err
}

// forgetStored is what deletes a stored session: its record, its queued
// deliveries and its QoS 2 state.
func forgetStored(clientID string) []persistOp {
	prefix := queuePrefix(clientID)
	return []persistOp{{kind: opDelete, table: tableSessions, key: clientID},
		{kind: opDeletePrefix, table: tableQueue, key: prefix},
		{kind: opDeletePrefix, table: tableQoS2Out, key: prefix},
		{kind: opDeletePrefix, table: tableQoS2In, key: prefix}}
}

func (s *Server) restoreSession(r store.Record, now time.Time, stale *[]persistOp) error {
	var rec sessionRecord
	if err := json.Unmarshal(r.Value, &rec); err != nil {
		*stale = append(*stale, forgetStored(r.Key)...)
		return err
	}
	offline := fromUnixMilli(rec.Offline)
	if offline.IsZero() {
		offline = now
	}
	if !now.Before(offline.Add(time.Duration(rec.Expiry) * time.Second)) {
		*stale = append(*stale, forgetStored(r.Key)...)
		return nil
	}
	ss := newSession(s, r.Key, packet.Version(rec.Version))
	ss.expiry, ss.offline, ss.stored = rec.Expiry, offline, true
	ss.persistent.Store(rec.Expiry > 0)
	for _, sr := range rec.Subs {
		o := subOpts{qos: packet.QoS(sr.QoS), noLocal: sr.NoLocal, rap: sr.RAP, rh: packet.RetainHandling(sr.RH)}
		if sr.ID != 0 {
			o.ids = []uint32{sr.ID}
		}
		if _, err := s.subs.Subscribe(sr.Filter, ss, o); err != nil {
			continue
		}
		s.subscribed(sr.Filter)
		ss.subs[sr.Filter] = o
	}
	s.sessions[r.Key] = ss
	s.stats.sessions.Add(1)
	return nil
}

// restoreQueued reads a queued delivery into its session: in flight with
// its packet identifier when out holds its QoS 2 state, waiting
// otherwise.
func (s *Server) restoreQueued(r store.Record, out map[string]qos2Out, stale *[]persistOp) error {
	clientID, ok := splitQueueKey(r.Key)
	ss := s.sessions[clientID]
	if !ok || ss == nil {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableQueue, key: r.Key}) // its session expired
		return nil
	}
	var seq uint64
	if _, err := fmt.Sscanf(r.Key[len(clientID)+1:], "%x", &seq); err != nil {
		return err
	}
	m, qos, retain, ids, err := decodeStored(r.Value)
	if err != nil {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableQueue, key: r.Key})
		return err
	}
	m.arn = s.arn.topic + m.Topic
	e := qentry{msg: m, qos: qos, retain: retain, ids: ids, seq: seq, check: true}
	ss.nextSeq = max(ss.nextSeq, seq)
	if st, ok := out[r.Key]; ok && ss.restoreInflightLocked(e, st) {
		delete(out, r.Key)
		return nil
	}
	ss.pending.push(e)
	return nil
}
