package broker

import (
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// AWS's throughput limits (spec §4.11) are optional here (Config:
// MaxConnectsPerSecond, MaxPublishesPerSecond, MaxPublishBytesPerSecond;
// 0, the default, turns each off) because load tests exceed them. Each is
// a rateLimit in the session of the client id, checked by the
// connection's reader: one atomic compare-and-swap, no lock, no
// allocation.

// rateLimit is a GCRA limiter (a token bucket kept as one theoretical
// arrival time): it admits rate units per second with bursts of up to
// one second's worth. An idle limiter admits any single request, so a
// request larger than a second's worth is slowed, not refused forever.
type rateLimit struct {
	tat atomic.Int64 // Unix ns at which the limiter is idle again
}

// allow reports whether cost units may pass at now under rate units per
// second (rate > 0), and counts them if so.
func (l *rateLimit) allow(now time.Time, cost, rate int) bool {
	t := now.UnixNano()
	inc := int64(cost) * int64(time.Second) / int64(rate)
	for {
		tat := l.tat.Load()
		start := max(tat, t)
		next := start + inc
		if start > t && next-t > int64(time.Second) {
			return false
		}
		if l.tat.CompareAndSwap(tat, next) {
			return true
		}
	}
}

// throttlePublish applies the publish rate limits of the client's
// connection (AWS: 100 PUBLISH and 512 KB per second, spec §4.11). A
// PUBLISH beyond them is refused as Quota exceeded (3.1.1: close; 5:
// PUBACK or PUBREC 0x97, QoS 0: DISCONNECT 0x97; lifecycle THROTTLED).
// When ok is false, cs, if not nil, ends the connection.
func (c *conn) throttlePublish(p *packet.Publish) (cs *cause, ok bool) {
	s := c.srv
	perSec, bytesPerSec := s.cfg.MaxPublishesPerSecond, s.cfg.MaxPublishBytesPerSecond
	if perSec == 0 && bytesPerSec == 0 {
		return nil, true
	}
	now := time.Now()
	if (perSec == 0 || c.sess.publishes.allow(now, 1, perSec)) &&
		(bytesPerSec == 0 || c.sess.publishBytes.allow(now, len(p.Payload), bytesPerSec)) {
		return nil, true
	}
	s.stats.throttledPublishes.Add(1)
	return c.refusePublish(p, packet.QuotaExceeded, reasonThrottled, "publish rate limit exceeded (AWS, spec §4.11)"), false
}

// throttleConnect applies Config.MaxConnectsPerSecond to the client id
// (AWS: 1 CONNECT per second, spec §4.3): a CONNECT beyond it is refused
// (MQTT 5: CONNACK 0x97; 3.1.1 has no code for it and is closed). The
// count lives in the client id's session, so it applies while one exists
// (connected, or persistent and offline, as in a takeover loop); a clean
// session's client id has none between its connections.
func (c *conn) throttleConnect() *cause {
	s := c.srv
	rate := s.cfg.MaxConnectsPerSecond
	if rate == 0 {
		return nil
	}
	s.mu.Lock()
	ss := s.sessions[c.clientID]
	s.mu.Unlock()
	if ss == nil || ss.connects.allow(time.Now(), 1, rate) {
		return nil
	}
	s.stats.throttledConnects.Add(1)
	return c.refuse(packet.QuotaExceeded, "CONNECT rate limit for the client id exceeded (AWS, spec §4.3)", reasonThrottled)
}
