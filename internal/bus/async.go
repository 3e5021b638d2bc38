package bus

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// MaxPendingDurable is how many ForwardAsync messages a node keeps
// waiting for the durable stream's ack (or for the retries that follow a
// failed attempt); ForwardAsync blocks while that many are pending.
const MaxPendingDurable = 4096

// closeAckWait bounds how long Close lets ForwardAsync's pending messages
// wait for their acks before it calls their done with ErrClosed.
const closeAckWait = time.Second

// asyncForwards is the machinery of ForwardAsync: the messages sent and
// not yet settled, in the order they were sent, and the collector
// goroutine (collectLoop) that settles them in that order.
type asyncForwards struct {
	// slots holds one token per pending message: ForwardAsync puts one in
	// before it sends, the collector takes it out before it calls done.
	slots chan struct{}
	// queue holds the pending messages in ForwardAsync's order (the order
	// of their numbers: they are queued under forwarder.mu). It has room
	// for MaxPendingDurable, and never holds more messages than slots
	// holds tokens, so that queueing never blocks.
	queue chan *pendingForward
	// closing is closed when Close begins (after forwarder.stopped is
	// set): the collector makes no more retries, settles what is queued
	// and ends.
	closing chan struct{}
	// abort is closed when Close stops waiting for acks (closeAckWait):
	// the collector settles the rest with ErrClosed at once.
	abort chan struct{}
	// ended is closed when the collector has ended: every done is called.
	ended chan struct{}
	// ahead holds, in order, the messages the collector has taken from
	// queue to send them again (resend), before those still in queue. Only
	// the collector uses it.
	ahead []*pendingForward
	// resent counts the messages resend sent again, for tests.
	resent atomic.Uint64
}

// pendingForward is one ForwardAsync message that the collector has not
// settled yet.
type pendingForward struct {
	topic, subject string
	data           []byte
	done           func(error)
	msgID          string    // the first attempt's number: retries keep it
	end            time.Time // when retries stop: the node's budget after the call
	attempts       int       // sent so far
	// f is the last attempt's ack; nil when sending it failed (err), or
	// when it has failed already (err, see failed).
	f   jetstream.PubAckFuture
	err error
}

// failed reports, without waiting, whether e's last attempt has failed;
// its error is then in e.err.
func (e *pendingForward) failed() bool {
	if e.f == nil {
		return e.err != nil
	}
	select {
	case err := <-e.f.Err(): // taken from the future: kept in e
		e.f, e.err = nil, err
		return true
	default:
		return false
	}
}

// initAsync makes the channels of ForwardAsync and starts the collector.
func (n *Node) initAsync() {
	n.async = asyncForwards{
		slots:   make(chan struct{}, MaxPendingDurable),
		queue:   make(chan *pendingForward, MaxPendingDurable),
		closing: make(chan struct{}),
		abort:   make(chan struct{}),
		ended:   make(chan struct{}),
	}
	n.goRun(n.collectLoop)
}

// ForwardAsync forwards a durable (QoS 1) message as Forward(topic, data,
// true) does, without waiting for the durable stream: the message goes out
// at once (the nodes with interest get it live, numbered in one sequence
// with this node's other forwards), and done is called later, exactly
// once, on the node's collector goroutine (never on the caller's): with
// nil once the stream HOB_DURABLE has stored the message, or with the
// error that stopped it, after the retries Forward would make (for up to
// 15 s after the call; each retry keeps the message id, so the stream
// stores the message once). For one Node, done calls come in the order of
// the ForwardAsync calls (for concurrent callers, in the order they got
// to number their messages), even when a message in between is retried.
// The messages themselves reach the stream and the nodes with interest in
// that order too, except one that is sent again after a failed attempt:
// it comes after the later ones already sent (live, it may also come
// twice, as with Forward).
//
// ForwardAsync blocks only while MaxPendingDurable messages are pending
// (their done not yet called). It returns an error, and then never calls
// done, when the node is closed (ErrClosed, also when Close begins while
// it blocks) or when topic's subject is longer than MaxSubjectBytes; any
// other failure goes to done. data must not change until done is called.
//
// done must return quickly, since it holds up the later ones, and must not
// call Close or ForwardAsync: both may wait for the goroutine that runs
// done. Close calls done for every pending message before it returns:
// with nil for the messages whose ack arrives within a second, with an
// error wrapping ErrClosed for the others (or with their own error).
func (n *Node) ForwardAsync(topic string, data []byte, done func(error)) error {
	if n.closed.Load() {
		return ErrClosed
	}
	if done == nil {
		return fmt.Errorf("bus: forward %.64q asynchronously: done is nil", topic)
	}
	subject := durableSubject(Subject(topic))
	if len(subject) > MaxSubjectBytes {
		return fmt.Errorf("bus: forward %.64q: its subject has %d bytes, over the limit of %d",
			topic, len(subject), MaxSubjectBytes)
	}
	select {
	case n.async.slots <- struct{}{}:
	case <-n.async.closing:
		return ErrClosed
	}
	e := &pendingForward{topic: topic, subject: subject, data: data, done: done, end: time.Now().Add(n.budget)}
	n.fwd.mu.Lock()
	if n.fwd.stopped {
		n.fwd.mu.Unlock()
		<-n.async.slots
		return ErrClosed
	}
	e.f, e.msgID, e.err = n.publishDurableLocked(subject, data, "")
	e.attempts = 1
	n.async.queue <- e // never blocks: e holds a slot
	n.fwd.mu.Unlock()
	return nil
}

// StoreDelay is the longest time between a ForwardAsync call and the
// stream storing its message, when done is called with nil: the retries'
// budget, then one attempt's wait for its ack. A message acknowledged
// later is reported as failed (its publisher was never told it is kept).
// So a Replay that reads until StoreDelay after a moment finds every
// message whose ForwardAsync, on any node, had begun by then and
// succeeded.
func (n *Node) StoreDelay() time.Duration { return n.budget + durableAttempt + time.Second }

// collectLoop settles ForwardAsync's messages one at a time, in
// ForwardAsync's order, until Close has begun and none is left.
func (n *Node) collectLoop() {
	defer close(n.async.ended)
	for {
		e := n.nextPending()
		if e == nil {
			return
		}
		n.settle(e)
	}
}

// nextPending returns the oldest message not yet settled, waiting for one
// until Close begins; nil when Close has begun and none is left (Close set
// forwarder.stopped before it closed closing: nothing more is queued).
func (n *Node) nextPending() *pendingForward {
	if len(n.async.ahead) > 0 {
		e := n.async.ahead[0]
		n.async.ahead[0] = nil
		n.async.ahead = n.async.ahead[1:]
		return e
	}
	select {
	case e := <-n.async.queue:
		return e
	case <-n.async.closing:
	}
	select {
	case e := <-n.async.queue:
		return e
	default:
		return nil
	}
}

// settle waits for e's ack, retries e when that fails, frees e's slot and
// calls done. An ack that comes later than StoreDelay after the call is
// reported as a failure, so that StoreDelay bounds every success.
func (n *Node) settle(e *pendingForward) {
	err := n.store(e)
	if err == nil {
		n.stats.durable.Add(1)
		n.stats.forwarded.Add(1)
		if late := time.Since(e.end.Add(-n.budget)); late > n.StoreDelay() {
			err = fmt.Errorf("the durable stream %s acknowledged it %v after the call, later than %v: too late for Replay to be sure to find it",
				durableStream, late.Round(time.Millisecond), n.StoreDelay())
		}
	}
	if err != nil {
		err = fmt.Errorf("bus: forward %.64q durably: %w", e.topic, err)
	}
	<-n.async.slots
	e.done(err)
}

// store returns once e is stored (nil), or with the error that stopped
// it. A failed attempt is made again as forwardDurable does, with e's
// message id, until e's budget is spent; once a retry succeeds (the stream
// answers again), the later messages whose attempts failed meanwhile are
// sent again at once (resend), instead of one retry at a time.
func (n *Node) store(e *pendingForward) error {
	err := e.err
	if e.f != nil {
		err = n.awaitAsync(e.f)
	}
	for attempt := 1; err != nil; attempt++ {
		switch {
		case errors.Is(err, ErrClosed):
			return err
		case !retryDurable(err):
			return err
		case n.asyncClosing():
			return closedBeforeAck(err)
		}
		pause := backoff(attempt)
		if time.Until(e.end) < pause {
			return fmt.Errorf("the durable stream %s did not store it within %v (%d attempts; last: %w)",
				durableStream, n.budget, e.attempts, err)
		}
		n.log.Debug("bus: durable forward not stored yet; trying again", "subject", e.subject, "attempt", e.attempts, "err", err)
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-n.async.closing:
			t.Stop()
			return closedBeforeAck(err)
		}
		var f jetstream.PubAckFuture
		e.attempts++
		if f, _, err = n.publishDurable(e.subject, e.data, e.msgID); err == nil {
			err = n.awaitAsync(f)
		}
		if err == nil {
			n.resend()
		}
	}
	return nil
}

// resend sends again, in order, each pending message whose last attempt
// has failed (and may succeed when tried again, within its budget): the
// stream answers again after an outage in which every pending attempt
// failed. It moves what queue holds to ahead, to look at it.
func (n *Node) resend() {
	for more := true; more; {
		select {
		case e := <-n.async.queue:
			n.async.ahead = append(n.async.ahead, e)
		default:
			more = false
		}
	}
	now := time.Now()
	again := 0
	for _, e := range n.async.ahead {
		if !e.failed() || !retryDurable(e.err) || errors.Is(e.err, ErrClosed) || now.After(e.end) {
			continue
		}
		e.attempts++
		e.f, _, e.err = n.publishDurable(e.subject, e.data, e.msgID)
		again++
	}
	if again > 0 {
		n.async.resent.Add(uint64(again))
		n.log.Debug("bus: the durable stream answers again; sent the failed forwards again", "messages", again)
	}
}

// closedBeforeAck is the error of a message whose attempt failed with err
// when Close had begun: it is not tried again.
func closedBeforeAck(err error) error {
	return fmt.Errorf("%w before the durable stream acknowledged the message (last: %v)", ErrClosed, err)
}

// awaitAsync waits for the stream's answer to one attempt until Close
// stops waiting for acks (ErrClosed).
func (n *Node) awaitAsync(f jetstream.PubAckFuture) error { return awaitAck(f, n.async.abort) }

// asyncClosing reports whether Close has begun, for the collector.
func (n *Node) asyncClosing() bool {
	select {
	case <-n.async.closing:
		return true
	default:
		return false
	}
}

// stopAsync makes ForwardAsync refuse new messages and waits until the
// collector has called done for every pending one: for up to closeAckWait
// while acks still come, then with ErrClosed. Close calls it first, while
// the connection still carries acks.
func (n *Node) stopAsync() {
	n.fwd.mu.Lock()
	n.fwd.stopped = true
	n.fwd.mu.Unlock()
	close(n.async.closing)
	t := time.NewTimer(closeAckWait)
	defer t.Stop()
	select {
	case <-n.async.ended:
		return
	case <-t.C:
	}
	close(n.async.abort)
	<-n.async.ended
}
