package broker

import (
	"cmp"
	"slices"
	"sync"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/topic"
)

type hit = topic.Hit[*session, subOpts]

// routeBuf is the scratch space of one route call, pooled so routing
// allocates nothing once warm.
type routeBuf struct {
	hits  []hit
	ids   []uint32
	chits []topic.Hit[*consumerReg, struct{}]
}

var routeBufs = sync.Pool{New: func() any { return new(routeBuf) }}

// route delivers m to every matching subscription and consumer and
// returns the number of sessions it went to. d collects the durable
// writes the publisher must wait for before acknowledging; nil means
// nobody waits.
//
// A session whose filters overlap gets one delivery, at the highest QoS
// of its matching subscriptions, with all their subscription
// identifiers [MQTT-3.3.4-2] [MQTT-3.3.4-3] (3.1.1 allows one delivery
// too, [MQTT-3.3.5-1]). A shared group gets it once, through one online
// member (spec §4.8). Delivery QoS is the lower of the message's and the
// subscription's. Live forwards have RETAIN 0 unless the subscription
// has Retain As Published [MQTT-3.3.1-12] [MQTT-3.3.1-13].
func (s *Server) route(m *Message, d *durable) int {
	rb := routeBufs.Get().(*routeBuf)
	if isIngest(m.Topic) { // Basic Ingest: for the rules engine only (rules-engine spec §12)
		s.consume(m, rb)
		routeBufs.Put(rb)
		return 0
	}
	rb.hits = s.subs.AppendMatches(rb.hits[:0], m.Topic)
	hits := rb.hits
	if len(hits) > 1 {
		slices.SortFunc(hits, compareHits)
	}
	n := 0
	for i := 0; i < len(hits); {
		if g := hits[i].Group; g != nil {
			n += s.deliverShared(g, m, d)
			i++
			continue
		}
		j := i + 1
		for j < len(hits) && hits[j].Group == nil && hits[j].Key == hits[i].Key {
			j++
		}
		n += deliverRun(hits[i:j], m, d, rb)
		i = j
	}
	clear(hits)
	rb.hits = hits[:0]
	if !m.remote {
		s.consume(m, rb)
		if s.clustered() {
			s.forward(m, d)
		}
	}
	routeBufs.Put(rb)
	return n
}

// compareHits orders ordinary subscriptions by session, then groups.
func compareHits(a, b hit) int {
	switch {
	case a.Group != nil || b.Group != nil:
		return cmp.Compare(groupRank(a), groupRank(b))
	}
	return cmp.Compare(a.Key.id, b.Key.id)
}

func groupRank(h hit) int {
	if h.Group != nil {
		return 1
	}
	return 0
}

// deliverRun delivers m once to the session of run, the hits of one
// session. No Local subscriptions do not count for the publisher's own
// session [MQTT-3.8.3-3].
func deliverRun(run []hit, m *Message, d *durable, rb *routeBuf) int {
	ss := run[0].Key
	var qos packet.QoS
	rap, matched := false, 0
	var ids []uint32
	for _, h := range run {
		o := &h.Value
		if o.noLocal && m.from == ss {
			continue
		}
		matched++
		qos = max(qos, o.qos)
		rap = rap || o.rap
		ids = o.ids
	}
	if matched == 0 {
		return 0
	}
	if matched > 1 {
		ids = mergeIDs(run, m, rb)
	}
	ss.deliver(m, min(m.QoS, qos), m.Retain && rap, ids, d)
	return 1
}

// mergeIDs gathers the subscription identifiers of the counted hits of
// run into a new slice (the delivery keeps it), or nil when none has one.
func mergeIDs(run []hit, m *Message, rb *routeBuf) []uint32 {
	rb.ids = rb.ids[:0]
	for _, h := range run {
		if h.Value.noLocal && m.from == h.Key {
			continue
		}
		rb.ids = append(rb.ids, h.Value.ids...)
	}
	if len(rb.ids) == 0 {
		return nil
	}
	return slices.Clone(rb.ids)
}

// deliverShared delivers m to one member of group g: an online one,
// round robin; or, for QoS 1 when none is online, one with a persistent
// session, which keeps it (spec §4.8). QoS 0 with nobody online is
// dropped.
func (s *Server) deliverShared(g *topic.Group[*session, subOpts], m *Message, d *durable) int {
	sub, ok := g.Pick(isOnline)
	if !ok && m.QoS > 0 {
		sub, ok = g.Pick(isPersistent)
	}
	if !ok {
		s.stats.dropOffl.Add(1)
		return 0
	}
	sub.Key.deliver(m, min(m.QoS, sub.Value.qos), false, sub.Value.ids, d)
	return 1
}

func isOnline(ss *session, _ subOpts) bool     { return ss.online.Load() }
func isPersistent(ss *session, _ subOpts) bool { return ss.persistent.Load() }
