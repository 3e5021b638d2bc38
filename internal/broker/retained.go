package broker

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// retainedSet holds the retained messages, one per topic (spec §4.5),
// in memory and, through the persister, in the store.
type retainedSet struct {
	mu sync.RWMutex
	m  map[string]*Message // guarded by mu
}

// storeRetained applies a publish with RETAIN: it replaces the topic's
// retained message [MQTT-3.3.1-5], or removes it when the payload is
// empty, storing nothing [MQTT-3.3.1-6] [MQTT-3.3.1-7]. d collects the
// durable write. It returns false, changing nothing, when a new topic
// would exceed Config.MaxRetained.
func (s *Server) storeRetained(m *Message, d *durable) bool {
	rs := &s.retained
	rs.mu.Lock()
	defer rs.mu.Unlock()
	_, had := rs.m[m.Topic]
	if len(m.Payload) == 0 {
		if had {
			delete(rs.m, m.Topic)
			s.stats.retained.Add(-1)
			s.persist.delete(tableRetained, m.Topic, d.add())
		}
		return true
	}
	if !had && s.cfg.MaxRetained > 0 && len(rs.m) >= s.cfg.MaxRetained {
		return false
	}
	kept := *m
	kept.from = nil // do not keep the publisher's session alive
	rs.m[m.Topic] = &kept
	if !had {
		s.stats.retained.Add(1)
	}
	s.persist.put(tableRetained, m.Topic, encodeStored(nil, m, m.QoS, true, nil), d.add())
	return true
}

// retainedFor returns the retained message of topic name, or nil.
func (s *Server) retainedFor(name string) *Message {
	s.retained.mu.RLock()
	m := s.retained.m[name]
	s.retained.mu.RUnlock()
	if m == nil || m.expired(time.Now()) {
		return nil
	}
	return m
}

// GetRetained returns the retained message of a topic, for the iot-data
// GetRetainedMessage API (spec §3.7). Its Received is when it was
// last set. The message must not be modified.
func (s *Server) GetRetained(topic string) (*Message, bool) {
	m := s.retainedFor(topic)
	return m, m != nil
}

// ListRetained returns up to limit retained messages whose topics sort
// after after, in topic order, for ListRetainedMessages; limit <= 0 means
// all. Pass the last topic returned as after to page.
func (s *Server) ListRetained(after string, limit int) []*Message {
	now := time.Now()
	s.retained.mu.RLock()
	var out []*Message
	for t, m := range s.retained.m {
		if t > after && !m.expired(now) {
			out = append(out, m)
		}
	}
	s.retained.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Message) int { return strings.Compare(a.Topic, b.Topic) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// sweepRetained removes expired retained messages [MQTT-3.3.2-5].
func (s *Server) sweepRetained(now time.Time) {
	rs := &s.retained
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for t, m := range rs.m {
		if m.expired(now) {
			delete(rs.m, t)
			s.stats.retained.Add(-1)
			s.persist.delete(tableRetained, t, nil)
		}
	}
}

func (s *Server) restoreRetained(r store.Record, now time.Time, stale *[]persistOp) error {
	m, _, _, _, err := decodeStored(r.Value)
	if err != nil || m.expired(now) || m.Topic != r.Key {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableRetained, key: r.Key})
		return err
	}
	m.Retain = true
	m.arn = s.arn.topic + m.Topic
	s.retained.m[m.Topic] = m
	s.stats.retained.Add(1)
	return nil
}
