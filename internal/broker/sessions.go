package broker

import (
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// attach gives connection c its session and queues its CONNACK. A
// connection already using the client id is closed first (MQTT 5:
// DISCONNECT 0x8E) and its teardown awaited, so its session passes to c
// [MQTT-3.1.4-3] (3.1.1 [MQTT-3.1.4-2]; AWS spec §4.3). A Clean Start,
// a session of the other protocol version (AWS does not resume across
// versions, §4.2) or no session at all gives c a new one; otherwise c
// resumes it and CONNACK says Session Present [MQTT-3.2.2-3]. What the
// session holds is then resent [MQTT-4.4.0-1].
func (s *Server) attach(c *conn, p *packet.Connect, ack *packet.Connack) {
	for {
		s.mu.Lock()
		ss := s.sessions[c.clientID]
		if old := ss.current(); old != nil {
			s.mu.Unlock()
			s.stats.takeovers.Add(1)
			old.kick(causeTakeover)
			<-old.detached
			continue
		}
		present := ss != nil && !p.CleanStart && ss.version == c.version && !ss.expired(time.Now())
		var cleanup func()
		var events uint64
		if ss != nil && !present {
			events = ss.events
			cleanup = s.endSessionLocked(ss)
			ss = nil
		}
		if ss == nil {
			ss = newSession(s, c.clientID, c.version)
			ss.events = events
			if rate := s.cfg.MaxConnectsPerSecond; rate > 0 {
				ss.connects.allow(time.Now(), 1, rate) // this CONNECT counts (throttleConnect found no session)
			}
			s.sessions[c.clientID] = ss
			s.stats.sessions.Add(1)
		}
		ss.mu.Lock()
		ss.bindLocked(c)
		ack.SessionPresent = present
		c.out.push(outItem{kind: outPacket, pkt: ack}, false)
		c.connected.Store(true)
		ss.resumeLocked()
		ss.mu.Unlock()
		s.mu.Unlock()
		if cleanup != nil {
			cleanup()
		}
		s.stats.connections.Add(1)
		s.stats.connectionsTotal.Add(1)
		return
	}
}

// current returns the session's connection; ss may be nil.
func (ss *session) current() *conn {
	if ss == nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.conn
}

// bindLocked attaches c to the session: the connection's principal
// decides iot:Receive from now on, its expiry applies, and a delayed Will
// waiting from the previous connection is cancelled [MQTT-3.1.3-9].
func (ss *session) bindLocked(c *conn) {
	c.sess = ss
	ss.conn = c
	ss.online.Store(true)
	ss.principal.Store(&principalOf{c.principal})
	ss.expiry = c.expiry
	ss.persistent.Store(c.expiry > 0)
	ss.events++
	if ss.willStop != nil {
		ss.willStop()
	}
	ss.will, ss.willStop = nil, nil
	switch {
	case ss.expiry > 0:
		ss.saveLocked(nil)
	case ss.stored:
		ss.forgetLocked() // resumed with expiry 0: it ends with this connection
	}
}

// detach ends connection c's hold on its session: the session ends when
// its expiry is 0 and stays, offline, otherwise. The Will is published
// now, after its MQTT 5 Will Delay Interval, or when the session ends,
// whichever is first [MQTT-3.1.3-9]; not at all after a client's
// DISCONNECT 0x00 [MQTT-3.14.4-3] or at shutdown.
func (s *Server) detach(c *conn, cs *cause) {
	ss := c.sess
	if ss == nil {
		if cs.event == reasonAuthError || cs.event == reasonForbidden {
			s.eventDisconnected(c, cs) // spec §5.1: refused connects are reported
		}
		return
	}
	var w *will
	if cs.will {
		w = c.will
	}
	s.mu.Lock()
	ss.mu.Lock()
	ss.conn = nil
	ss.online.Store(false)
	ss.offline = time.Now()
	if cs.client && c.endExpiry != nil {
		ss.expiry = *c.endExpiry
		ss.persistent.Store(ss.expiry > 0)
	}
	end := ss.expiry == 0
	if w != nil && !end && w.delay > 0 {
		delayed := w
		ss.will = delayed
		ss.willStop = s.after(min(w.delay, time.Duration(ss.expiry)*time.Second), func() { s.fireWill(ss, delayed) })
		w = nil
	}
	if !end {
		ss.saveLocked(nil)
	}
	ss.mu.Unlock()
	var cleanup func()
	if end {
		cleanup = s.endSessionLocked(ss)
	}
	s.mu.Unlock()
	s.stats.connections.Add(-1)
	if cleanup != nil {
		cleanup()
	}
	if w != nil {
		s.publishWill(ss, w)
	}
	s.eventDisconnected(c, cs)
}

// endSessionLocked ends an offline session: it leaves the server's map
// and the store at once (the caller holds Server.mu), and the returned
// cleanup, run after unlocking, removes its subscriptions and publishes
// a Will that was still waiting for its delay.
func (s *Server) endSessionLocked(ss *session) (cleanup func()) {
	ss.mu.Lock()
	ss.ended = true
	subs := ss.subs
	ss.subs = map[string]subOpts{}
	w := ss.will
	if ss.willStop != nil {
		ss.willStop()
	}
	ss.will, ss.willStop = nil, nil
	ss.forgetLocked()
	ss.inflight, ss.pending = map[uint16]qentry{}, queue{}
	ss.mu.Unlock()
	if s.sessions[ss.clientID] == ss {
		delete(s.sessions, ss.clientID)
		s.stats.sessions.Add(-1)
	}
	return func() {
		for f := range subs {
			s.subs.Unsubscribe(f, ss)
			s.unsubscribed(f)
		}
		s.releaseOwnership(ss.clientID)
		if w != nil {
			s.publishWill(ss, w)
		}
	}
}

// sweep ends the offline sessions whose expiry has passed (spec §4.4),
// drops expired messages from offline sessions and the retained store
// [MQTT-3.3.2-5], and logs the counts of iot:Receive denials not logged.
func (s *Server) sweep(now time.Time) {
	var cleanups []func()
	s.mu.Lock()
	for _, ss := range s.sessions {
		ss.mu.Lock()
		expired := ss.expiredLocked(now)
		if !expired && ss.conn == nil {
			ss.dropExpiredLocked(now)
		}
		ss.mu.Unlock()
		if expired {
			cleanups = append(cleanups, s.endSessionLocked(ss))
		}
	}
	s.mu.Unlock()
	for _, f := range cleanups {
		f()
	}
	s.sweepRetained(now)
	s.flushDenials(now)
}

// expired reports whether the session is offline past its expiry: it
// is over even if the sweep has not ended it yet [MQTT-3.1.2-23].
func (ss *session) expired(now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.expiredLocked(now)
}

func (ss *session) expiredLocked(now time.Time) bool {
	return ss.conn == nil && !now.Before(ss.offline.Add(time.Duration(ss.expiry)*time.Second))
}

// dropExpiredLocked removes waiting messages whose expiry has passed.
func (ss *session) dropExpiredLocked(now time.Time) {
	ss.pending.filter(func(e *qentry) bool {
		if e.msg.expired(now) {
			ss.srv.stats.dropExpired.Add(1)
			ss.unstoreLocked(e.seq)
			return false
		}
		return true
	})
}

// DisconnectPrincipal closes every connection of the principal with this
// ID (MQTT 5: DISCONNECT 0x98 Administrative action), for instance when
// its certificate leaves ACTIVE (spec §5.1). Their Wills are published.
func (s *Server) DisconnectPrincipal(id string) {
	var victims []*conn
	s.mu.Lock()
	for c := range s.conns {
		if c.connected.Load() && c.principalID == id {
			victims = append(victims, c)
		}
	}
	s.mu.Unlock()
	for _, c := range victims {
		c.kick(causeAdmin)
	}
}

func (s *Server) addConn(c *conn) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	closing := s.closing.Load()
	s.mu.Unlock()
	if closing {
		c.kick(causeShutdown)
	}
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}
