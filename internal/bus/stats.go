package bus

import "sync/atomic"

// Stats are a node's counters since Start, for /metrics.
type Stats struct {
	// Forwarded counts the messages Forward published, durable or not,
	// and those ForwardAsync published that the durable stream stored
	// (counted as their done is called with nil): a durable message counts
	// once it is stored, a failed one never.
	Forwarded uint64
	// Durable counts the messages Forward published with durable set, or
	// ForwardAsync published, and the durable stream stored.
	Durable uint64
	// Replayed counts the messages Replay handed to its callers.
	Replayed uint64
	// Received counts the messages from other nodes handed to
	// DeliverRemote.
	Received uint64
	// Duplicates counts the extra copies of forwarded messages that
	// arrived because several of this node's filters match one topic;
	// they are not delivered again.
	Duplicates uint64
	// Dropped counts forwarded messages from other nodes that were lost
	// here: NATS dropped them because DeliverRemote fell behind, or they
	// were malformed (no hob headers, a subject no topic maps to), also
	// when Replay read them.
	Dropped uint64
	// Refused counts the interest subscriptions that could not be made
	// (a filter longer than MaxSubjectBytes allows, a NATS error).
	Refused uint64
}

// counters are the atomic counters behind Stats.
type counters struct {
	forwarded, durable, replayed, received, duplicates, dropped, refused atomic.Uint64
}

// Stats returns the node's counters.
func (n *Node) Stats() Stats {
	n.interest.mu.Lock()
	natsDrops := n.droppedLocked()
	n.interest.mu.Unlock()
	return Stats{
		Forwarded:  n.stats.forwarded.Load(),
		Durable:    n.stats.durable.Load(),
		Replayed:   n.stats.replayed.Load(),
		Received:   n.stats.received.Load(),
		Duplicates: n.stats.duplicates.Load(),
		Dropped:    n.stats.dropped.Load() + natsDrops,
		Refused:    n.stats.refused.Load(),
	}
}
