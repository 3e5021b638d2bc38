package broker

import "time"

// sessionRoom passes a subscriber's pace back to the clients publishing
// QoS 1 and 2 to it, as outbox.pushWait does for QoS 0: when an online
// session's queue is full, a client's delivery (routed by its reader with
// no lock held) waits up to Config.PublishBackpressure for the session to
// send one of its waiting messages before dropping it. The publisher's
// PUBACK waits too, which slows a publisher with a bounded window. A
// session that sent nothing during a whole wait is stalled, and drops at
// once until it sends again, so a subscriber that stopped reading costs
// publishers one wait, not one per message. All fields are guarded by
// session.mu.
type sessionRoom struct {
	ch      chan struct{} // made by a waiter, closed by madeLocked
	sent    uint64        // messages taken from the queue
	stalled bool
}

// madeLocked records that a waiting message left the queue, waking the
// publishers that wait for room.
func (r *sessionRoom) madeLocked() {
	r.sent++
	r.stalled = false
	if r.ch != nil {
		close(r.ch)
		r.ch = nil
	}
}

// waitForRoomLocked is called by deliver, with ss.mu held, when the
// session's queue is full. It waits for room when d says a client's
// reader routes the message and the session is online and not stalled,
// releasing ss.mu meanwhile, and reports whether the message may now be
// queued (ss.mu held again, the session not ended).
func (ss *session) waitForRoomLocked(d *durable) bool {
	bp := ss.srv.cfg.PublishBackpressure
	r := &ss.room
	if d == nil || !d.push || bp <= 0 || ss.conn == nil || r.stalled {
		return false
	}
	t := timers.Get().(*time.Timer)
	t.Reset(bp)
	defer func() {
		t.Stop()
		timers.Put(t)
	}()
	since := r.sent
	for ss.pending.len() >= ss.srv.cfg.MaxQueuedPerSession {
		if r.ch == nil {
			r.ch = make(chan struct{})
		}
		ch := r.ch
		ss.mu.Unlock()
		var timedOut bool
		select {
		case <-ch:
		case <-t.C:
			timedOut = true
		}
		ss.mu.Lock()
		if ss.ended || ss.conn == nil {
			return false
		}
		if timedOut {
			if r.sent == since {
				r.stalled = true
			}
			return ss.pending.len() < ss.srv.cfg.MaxQueuedPerSession
		}
	}
	return true
}
