package bus

import (
	"sync"

	"github.com/nats-io/nats.go"
)

// interest is the node's set of forwarding subscriptions, ref-counted by
// subject: filters that map to one subject share one subscription.
type interest struct {
	mu sync.Mutex // guards the fields below
	// refs counts the Interest calls not yet balanced by NoInterest, by
	// subject; subs holds the subscription of each subject with refs > 0
	// (nil when subscribing failed).
	refs map[string]int
	subs map[string]*nats.Subscription
	// retiredDrops counts the messages dropped by subscriptions that have
	// ended, for Stats.
	retiredDrops uint64
}

// Interest says this node has one more local subscription on the MQTT
// filter: the first call for any of FilterSubjects(filter), or of their
// durable twins (Forward with durable), subscribes to it, and from then
// on messages forwarded by other nodes on matching topics reach
// DeliverRemote, each once even where several filters match. A shared
// subscription's `$share/{ShareName}/` is ignored, so every node with a
// member of the group receives the message (picking one member across
// nodes is not the bus's business). A filter whose subjects are longer
// than MaxSubjectBytes is logged and counted (Stats.Refused), and so is a
// failed subscription: the filter then gets nothing, and calls stay
// balanced.
//
// Interest takes effect on this node at once and on the other nodes when
// NATS has propagated it (asynchronously, within milliseconds); Replay
// covers that gap for durable messages. After Close, Interest and
// NoInterest do nothing.
func (n *Node) Interest(filter string) {
	if n.closed.Load() {
		return
	}
	subjects := interestSubjects(filter)
	if longest := maxLen(subjects); longest > MaxSubjectBytes {
		n.stats.refused.Add(1)
		n.log.Warn("bus: filter too long to subscribe to", "filter", filter, "bytes", longest, "limit", MaxSubjectBytes)
		return
	}
	n.interest.mu.Lock()
	defer n.interest.mu.Unlock()
	for _, subject := range subjects {
		n.interest.refs[subject]++
		if n.interest.refs[subject] == 1 {
			n.interest.subs[subject] = n.subscribeLocked(subject, filter)
		}
	}
}

// NoInterest balances one Interest call on filter: the last one for a
// subject unsubscribes from it. Unbalanced calls are ignored.
func (n *Node) NoInterest(filter string) {
	n.interest.mu.Lock()
	defer n.interest.mu.Unlock()
	for _, subject := range interestSubjects(filter) {
		refs, ok := n.interest.refs[subject]
		switch {
		case !ok:
			continue
		case refs > 1:
			n.interest.refs[subject] = refs - 1
			continue
		}
		delete(n.interest.refs, subject)
		sub := n.interest.subs[subject]
		delete(n.interest.subs, subject)
		if sub == nil {
			continue
		}
		if dropped, err := sub.Dropped(); err == nil {
			n.interest.retiredDrops += uint64(dropped)
		}
		if err := sub.Unsubscribe(); err != nil && !n.closed.Load() {
			n.log.Warn("bus: unsubscribe failed", "subject", subject, "filter", filter, "err", err)
		}
	}
}

// interestSubjects returns the subjects that Interest subscribes to for
// filter: FilterSubjects(filter), each with its durable twin.
func interestSubjects(filter string) []string {
	plain := FilterSubjects(filter)
	subjects := make([]string, 0, 2*len(plain))
	for _, s := range plain {
		subjects = append(subjects, s, durableSubject(s))
	}
	return subjects
}

// maxLen returns the length of the longest of subjects.
func maxLen(subjects []string) int {
	longest := 0
	for _, s := range subjects {
		longest = max(longest, len(s))
	}
	return longest
}

// subscribeLocked subscribes subject (of filter) into the node's inbox; it
// returns nil when that fails. interest.mu must be held.
func (n *Node) subscribeLocked(subject, filter string) *nats.Subscription {
	sub, err := n.nc.ChanSubscribe(subject, n.inbox)
	if err != nil {
		n.stats.refused.Add(1)
		n.log.Warn("bus: subscribe failed", "subject", subject, "filter", filter, "err", err)
		return nil
	}
	return sub
}

// droppedLocked returns how many forwarded messages NATS dropped because
// the inbox was full. interest.mu must be held.
func (n *Node) droppedLocked() uint64 {
	total := n.interest.retiredDrops
	for _, sub := range n.interest.subs {
		if sub == nil {
			continue
		}
		if dropped, err := sub.Dropped(); err == nil {
			total += uint64(dropped)
		}
	}
	return total
}
