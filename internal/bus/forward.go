package bus

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// inboxSize is how many forwarded messages may wait for DeliverRemote;
// when it is full, NATS drops further ones (Stats.Dropped).
const inboxSize = 8192

// forwarder numbers this node's forwarded messages, durable or not, in
// one sequence.
type forwarder struct {
	// mu makes numbering and publishing one step, so that the numbers go
	// out in order: receivers take a number at or below the last one seen
	// from a run for a copy (dedup).
	mu  sync.Mutex
	seq uint64
	// stopped is set when Close begins: ForwardAsync queues no more.
	stopped bool
}

// Forward publishes a message published on this node, for the nodes with
// interest in topic (Interest) to deliver. data is opaque to the bus and
// arrives as given at DeliverRemote. No node gets its own messages back.
//
// Without durable, Forward publishes with core NATS and returns at once:
// the message may still sit in the connection's buffer, or in its
// reconnect buffer while the connection is down, and a node that is not
// connected when it passes never gets it.
//
// With durable (a QoS 1 message), the message goes to the subject's
// durable twin, which the stream HOB_DURABLE captures, and Forward
// returns once the stream has stored it on a majority of its replicas,
// so that a QoS 1 PUBACK may follow: a node that had interest and dies
// before its session made the message durable, and a node that has no
// interest yet, can get it later from Replay. The nodes with interest
// receive it at once as well, in order with this node's other forwards.
// When the stream does not answer (e.g. its leader died and the others
// are electing another), Forward tries again for up to 15 s; a node with
// interest may then receive the message more than once.
//
// Forward fails when the node is closed, when topic's subject is longer
// than MaxSubjectBytes, when NATS refuses the message (e.g. larger than
// the server's max_payload), or, with durable, when the stream did not
// store it in time.
func (n *Node) Forward(topic string, data []byte, durable bool) error {
	if n.closed.Load() {
		return ErrClosed
	}
	subject := Subject(topic)
	if durable {
		subject = durableSubject(subject)
	}
	if len(subject) > MaxSubjectBytes {
		return fmt.Errorf("bus: forward %.64q: its subject has %d bytes, over the limit of %d",
			topic, len(subject), MaxSubjectBytes)
	}
	if durable {
		if err := n.forwardDurable(subject, data); err != nil {
			return fmt.Errorf("bus: forward %.64q durably: %w", topic, err)
		}
		n.stats.forwarded.Add(1)
		return nil
	}
	m := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{hdrOrigin: {n.cfg.NodeID}}}
	n.fwd.mu.Lock()
	n.fwd.seq++
	m.Header[hdrSeq] = []string{n.boot + "/" + strconv.FormatUint(n.fwd.seq, 10)}
	err := n.nc.PublishMsg(m)
	n.fwd.mu.Unlock()
	if err != nil {
		return fmt.Errorf("bus: forward %.64q: %w", topic, err)
	}
	n.stats.forwarded.Add(1)
	return nil
}

// deliverLoop hands forwarded messages to DeliverRemote, one at a time in
// arrival order, until the node closes.
func (n *Node) deliverLoop() {
	d := dedup{last: map[string]seen{}}
	for {
		select {
		case m := <-n.inbox:
			n.deliver(&d, m)
		case <-n.ctx.Done():
			return
		}
	}
}

// deliver hands one forwarded message to the handler, unless it is a copy
// of one already delivered or is not a hob node's.
func (n *Node) deliver(d *dedup, m *nats.Msg) {
	if n.fromSelf(m) {
		return
	}
	run, seq, ok := parseSeq(m.Header.Get(hdrSeq))
	if !ok {
		n.stats.dropped.Add(1)
		n.log.Debug("bus: dropped a message without a hob sequence header", "subject", m.Subject)
		return
	}
	if !d.fresh(m.Header.Get(hdrOrigin)+"/"+run, seq, time.Now()) {
		n.stats.duplicates.Add(1)
		return
	}
	topic, err := subjectTopic(m.Subject)
	if err != nil {
		n.stats.dropped.Add(1)
		n.log.Warn("bus: dropped a forwarded message", "err", err)
		return
	}
	n.stats.received.Add(1)
	n.cfg.Handler.DeliverRemote(topic, m.Data)
}

// parseSeq splits a Hob-Seq header "boot/number".
func parseSeq(h string) (run string, seq uint64, ok bool) {
	run, num, ok := strings.Cut(h, "/")
	if !ok || run == "" {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(num, 10, 64)
	return run, seq, err == nil
}

// Dedup bookkeeping: a run not heard from for dedupForget is forgotten,
// checked when more than dedupPrune runs are remembered.
const (
	dedupForget = time.Minute
	dedupPrune  = 64
)

// dedup suppresses the copies of a message that a node receives when
// several of its subscriptions match it (`a/+` and `a/#`). NATS sends the
// copies back to back for each publisher: a node's messages leave it in
// number order over one connection, each server hands all copies of one
// message to the receiving connection before the next message from the
// same route or client, and all interest subscriptions feed one channel,
// read in order. So a message is new exactly when its number is above the
// last one seen from its run. Only deliverLoop uses a dedup.
type dedup struct {
	last map[string]seen // by origin node "/" boot
}

type seen struct {
	seq uint64
	at  time.Time
}

// fresh reports whether message seq of run is new, and records it.
func (d *dedup) fresh(run string, seq uint64, now time.Time) bool {
	s, ok := d.last[run]
	if ok && seq <= s.seq {
		return false
	}
	if !ok && len(d.last) >= dedupPrune {
		d.prune(now)
	}
	d.last[run] = seen{seq: seq, at: now}
	return true
}

// prune forgets runs not heard from for dedupForget.
func (d *dedup) prune(now time.Time) {
	for run, s := range d.last {
		if now.Sub(s.at) > dedupForget {
			delete(d.last, run)
		}
	}
}
