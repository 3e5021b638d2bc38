package broker

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// session is the state MQTT keeps for a client id across connections
// (5.0 §4.1): its subscriptions, the QoS 1 and 2 messages in flight to it
// and those waiting. A session outlives its connection when its expiry
// is not 0, until the expiry passes (spec §4.4).
type session struct {
	srv      *Server
	id       uint64 // orders sessions for the router's grouping
	clientID string

	online     atomic.Bool                 // a connection is attached
	persistent atomic.Bool                 // expiry > 0
	principal  atomic.Pointer[principalOf] // of the current or last connection, for iot:Receive
	denials    denyLog                     // rate-limits iot:Receive denial logs; own lock

	// Optional rate limits (ratelimit.go); atomic.
	connects, publishes, publishBytes rateLimit

	mu       sync.Mutex
	conn     *conn // nil while offline
	version  packet.Version
	expiry   uint32 // Session Expiry Interval, seconds
	ended    bool
	stored   bool               // has a record in the store
	subs     map[string]subOpts // filter → options, as in the index
	inflight map[uint16]qentry  // sent, not yet acknowledged
	pending  queue              // not yet sent
	qos2in   map[uint16]bool    // inbound QoS 2 ids awaiting PUBREL → has a store record
	nextID   uint16             // last packet identifier used
	nextSeq  uint64             // last store sequence used
	sent     uint64             // deliveries put in flight, for qentry.order
	offline  time.Time          // when the last connection ended
	will     *will              // a delayed Will waiting to be published
	willStop func() bool        // cancels will's timer
	events   uint64             // lifecycle versionNumber of the current connection
	room     sessionRoom        // back-pressure on QoS 1 publishers (session_room.go)
}

// principalOf boxes a Principal for an atomic pointer.
type principalOf struct{ p Principal }

// subOpts is what the router keeps per subscription (5.0 §3.8.3.1).
type subOpts struct {
	qos     packet.QoS // granted
	noLocal bool
	rap     bool // Retain As Published
	rh      packet.RetainHandling
	ids     []uint32 // nil, or the one subscription identifier; never modified
}

// qentry is one QoS 1 or 2 delivery held by a session.
type qentry struct {
	msg    *Message
	qos    packet.QoS
	retain bool
	ids    []uint32
	seq    uint64 // its record in the store's queue table; 0: none
	order  uint64 // when it went in flight, to resend in order [MQTT-4.6.0-1]
	rel    bool   // QoS 2: PUBREC received, PUBREL sent
	check  bool   // iot:Receive still to check (restored from the store)
}

func newSession(s *Server, clientID string, v packet.Version) *session {
	return &session{srv: s, id: s.sessionSeq.Add(1), clientID: clientID, version: v,
		subs: map[string]subOpts{}, inflight: map[uint16]qentry{}}
}

// deliver hands m to the session at qos, with the RETAIN flag retain and
// subscription identifiers ids. iot:Receive is checked first, on the
// principal of the session's connection; a denial drops the message
// silently (spec §2.2), counted, and logged at most once per
// Config.DenialLogInterval per deciding statement (denylog.go). QoS 0 goes to the connection's outbox if there is
// room and is dropped otherwise (counted). QoS 1 and 2 go in flight if
// the connection's window allows, else wait in the session, up to
// MaxQueuedPerSession; a persistent session's are written to the store
// first, and d collects the writes its publisher waits for. deliver
// blocks on the client only to pass back-pressure to a client publisher
// (d.push), for at most Config.PublishBackpressure: QoS 0 waits for room
// in the outbox (deliver0), QoS 1 and 2 for room in a full session queue
// of an online session (waitForRoomLocked).
func (ss *session) deliver(m *Message, qos packet.QoS, retain bool, ids []uint32, d *durable) {
	s := ss.srv
	pr := ss.principal.Load()
	if pr != nil {
		if dec := pr.p.Authorize(actionReceive, m.arn); !dec.Allowed {
			ss.receiveDenied(pr.p, dec, m.arn)
			return
		}
	}
	ss.mu.Lock()
	if ss.ended {
		ss.mu.Unlock()
		return
	}
	if qos == packet.QoS0 {
		c := ss.conn
		ss.mu.Unlock()
		ss.deliver0(c, m, retain, ids, d != nil && d.push)
		return
	}
	if ss.pending.len() >= s.cfg.MaxQueuedPerSession && !ss.waitForRoomLocked(d) {
		ss.mu.Unlock()
		s.stats.dropSession.Add(1)
		return
	}
	e := qentry{msg: m, qos: qos, retain: retain, ids: ids, check: pr == nil} // restored, never connected yet
	if ss.expiry > 0 {
		ss.storeLocked(&e, d)
	}
	ss.pending.push(e) // behind what already waits, to keep the order
	ss.refillLocked()
	ss.mu.Unlock()
}

// deliver0 queues a QoS 0 message on connection c, if any. When wait is
// set (a client's PUBLISH, routed by its reader with no lock held) and
// the outbox is full, it waits up to Config.PublishBackpressure for room
// before dropping.
func (ss *session) deliver0(c *conn, m *Message, retain bool, ids []uint32, wait bool) {
	if c == nil {
		ss.srv.stats.dropOffl.Add(1) // QoS 0 is not kept for offline sessions (spec §4.4)
		return
	}
	it := outItem{kind: outPublish, msg: m, retain: retain, ids: ids}
	var r pushResult
	if bp := ss.srv.cfg.PublishBackpressure; wait && bp > 0 {
		r = c.out.pushWait(it, bp)
	} else {
		r = c.out.push(it, true)
	}
	switch r {
	case dropped:
		ss.srv.stats.dropQueue.Add(1)
	case overflow:
		c.kick(causeOverflow)
	}
}

// canSendLocked reports whether one more message may go in flight now:
// a connection is attached and fewer than its window are unacknowledged
// (MQTT 5 Receive Maximum, [MQTT-3.3.4-9]).
func (ss *session) canSendLocked() bool {
	return ss.conn != nil && len(ss.inflight) < ss.conn.sendQuota
}

// sendLocked gives e a packet identifier, records it in flight and
// queues it on the connection. dup marks a resend [MQTT-3.3.1-1].
func (ss *session) sendLocked(e qentry, dup bool) {
	id := ss.nextIDLocked()
	ss.sent++
	e.order = ss.sent
	ss.inflight[id] = e
	ss.storeOutboundLocked(id, &e, nil)
	ss.queueLocked(id, e, dup)
}

// queueLocked queues the in-flight delivery id, or its PUBREL when the
// client has already answered PUBREC.
func (ss *session) queueLocked(id uint16, e qentry, dup bool) {
	it := outItem{kind: outPublish, msg: e.msg, qos: e.qos, retain: e.retain, dup: dup, id: id, ids: e.ids}
	if e.rel {
		it = outItem{kind: outAck, ack: packet.PUBREL, id: id}
	}
	if ss.conn.out.push(it, false) == overflow {
		ss.conn.kick(causeOverflow)
	}
}

// nextIDLocked returns a packet identifier not in flight. The caller
// checked there is room, so one exists.
func (ss *session) nextIDLocked() uint16 {
	for {
		ss.nextID++
		if ss.nextID == 0 {
			ss.nextID = 1
		}
		if _, used := ss.inflight[ss.nextID]; !used {
			return ss.nextID
		}
	}
}

// complete ends the in-flight delivery id: acknowledged by the client
// (PUBACK, PUBCOMP, or a failing PUBREC) or given up (dropped as too
// large or expired). It frees the store record and sends what waits.
func (ss *session) complete(id uint16) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e, ok := ss.inflight[id]
	if !ok {
		return // unknown or already completed: nothing to do
	}
	delete(ss.inflight, id)
	ss.unstoreLocked(e.seq)
	ss.unstoreOutboundLocked(&e)
	ss.refillLocked()
}

// refillLocked moves waiting messages in flight while the window allows,
// dropping expired ones and, for messages restored from the store, those
// the current principal may not receive.
func (ss *session) refillLocked() {
	now := time.Now()
	for ss.canSendLocked() && ss.pending.len() > 0 {
		e := ss.pending.pop()
		ss.room.madeLocked()
		if !ss.admitLocked(&e, now) {
			continue
		}
		ss.sendLocked(e, false)
	}
}

// admitLocked decides whether a waiting message may still be sent.
func (ss *session) admitLocked(e *qentry, now time.Time) bool {
	s := ss.srv
	if e.msg.expired(now) {
		s.stats.dropExpired.Add(1) // spec §4.4, [MQTT-3.3.2-5]
		ss.unstoreLocked(e.seq)
		return false
	}
	if e.check {
		if pr := ss.principal.Load(); pr != nil {
			if dec := pr.p.Authorize(actionReceive, e.msg.arn); !dec.Allowed {
				ss.receiveDenied(pr.p, dec, e.msg.arn)
				ss.unstoreLocked(e.seq)
				return false
			}
		}
		e.check = false
	}
	return true
}

// resumeLocked sends what the session holds to its new connection:
// first the unacknowledged deliveries with their packet identifiers and
// DUP set (or their PUBREL) [MQTT-4.4.0-1], then waiting messages.
func (ss *session) resumeLocked() {
	ids := make([]uint16, 0, len(ss.inflight))
	for id := range ss.inflight {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uint16) int { return cmp.Compare(ss.inflight[a].order, ss.inflight[b].order) })
	for _, id := range ids {
		ss.queueLocked(id, ss.inflight[id], true)
	}
	ss.refillLocked()
}
