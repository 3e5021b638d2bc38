package broker

import (
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/policy"
)

// iot:Receive is checked on every delivery, so a subscriber whose
// filter covers topics its policy does not let it receive could log a
// line per message. The broker logs the first denial of each (session,
// deciding statement), then at most one line per Config.DenialLogInterval
// carrying the count of the denials it did not log; the sweeper reports
// counts left pending when the denials stopped. Stats count every denial.
// Connect, publish and subscribe denials refuse or close, and are logged
// each time (conn.allowed).

// denyKey identifies a policy decision: which statement of which policy
// denied, or an implicit deny.
type denyKey struct {
	reason            policy.Reason
	policy, statement int
}

// denyEntry is what is known about one decision's denials since its last
// log line.
type denyEntry struct {
	logged     time.Time       // when a line was last logged
	suppressed uint64          // denials since then that were not logged
	last       policy.Decision // the latest denial, for the summary line
	resource   string
}

// denyLog rate-limits one session's iot:Receive denial lines. mu is a
// leaf lock (taken with or without session.mu held, never across logging).
type denyLog struct {
	mu sync.Mutex
	m  map[denyKey]denyEntry // nil until the first denial
}

// note records a denial at now and reports whether to log it, and how
// many denials of the same decision went unlogged before it.
// interval 0 logs every denial. It does not allocate once the decision
// has been seen.
func (l *denyLog) note(d policy.Decision, resource string, now time.Time, interval time.Duration) (log bool, suppressed uint64) {
	if interval <= 0 {
		return true, 0
	}
	k := denyKey{d.Reason, d.Policy, d.Statement}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, seen := l.m[k]
	if seen && now.Sub(e.logged) < interval {
		e.suppressed++
		e.last, e.resource = d, resource
		l.m[k] = e
		return false, 0
	}
	if l.m == nil {
		l.m = map[denyKey]denyEntry{}
	}
	l.m[k] = denyEntry{logged: now}
	return true, e.suppressed
}

// pending is a count of unlogged denials that flush reports.
type pending struct {
	denyEntry
	since time.Time
}

// flush returns the decisions whose unlogged denials are at least
// interval old, resetting them, and forgets decisions idle that long.
func (l *denyLog) flush(now time.Time, interval time.Duration) []pending {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []pending
	for k, e := range l.m {
		if now.Sub(e.logged) < interval {
			continue
		}
		if e.suppressed == 0 {
			delete(l.m, k)
			continue
		}
		out = append(out, pending{denyEntry: e, since: e.logged})
		l.m[k] = denyEntry{logged: now}
	}
	return out
}

// receiveDenied counts an iot:Receive denial of a delivery to the
// session and logs it, rate-limited.
func (ss *session) receiveDenied(p Principal, d policy.Decision, resource string) {
	s := ss.srv
	s.stats.denyRecv.Add(1)
	log, suppressed := ss.denials.note(d, resource, time.Now(), s.cfg.DenialLogInterval)
	if !log {
		return
	}
	s.log.Info("broker: denied", "client", ss.clientID, "principal", p.ID(),
		"action", actionReceive, "resource", resource, "reason", d.Reason.String(),
		"policy", policyName(p, d.Policy), "statement", d.Statement, "sid", d.Sid,
		"suppressed", suppressed)
}

// flushDenials logs, per session and decision, the iot:Receive denials
// that were not logged and are at least DenialLogInterval old. The
// sweeper calls it, so counts are reported after the denials stop.
func (s *Server) flushDenials(now time.Time) {
	iv := s.cfg.DenialLogInterval
	if iv <= 0 {
		return
	}
	s.mu.Lock()
	all := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.Unlock()
	for _, ss := range all {
		for _, pd := range ss.denials.flush(now, iv) {
			var p Principal
			if pr := ss.principal.Load(); pr != nil {
				p = pr.p
			}
			s.log.Info("broker: denials not logged", "client", ss.clientID, "action", actionReceive,
				"count", pd.suppressed, "since", pd.since, "lastResource", pd.resource,
				"reason", pd.last.Reason.String(), "policy", policyName(p, pd.last.Policy),
				"statement", pd.last.Statement, "sid", pd.last.Sid)
		}
	}
}
