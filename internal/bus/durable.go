package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// durableStream is the JetStream stream that keeps the messages forwarded
// with durable set, for Replay.
const durableStream = "HOB_DURABLE"

// Durable forwarding timing. A stream whose leader died answers nothing
// until its followers elect another, which nats-server starts 4 to 9 s
// after the last word from the leader: an attempt that gets no ack within
// durableAttempt is made again, until durableBudget has passed.
const (
	durableAttempt = 3 * time.Second
	durableBudget  = 15 * time.Second
	// durableDuplicates is the stream's window for dropping a message
	// whose Nats-Msg-Id it has stored already: a retried attempt whose
	// first try was stored after all. It need only outlast durableBudget.
	durableDuplicates = 30 * time.Second
	// durableMaxPending bounds the durable forwards awaiting their ack,
	// ForwardAsync's and Forward's together; beyond it, an attempt waits
	// up to durableStallWait for a free slot, holding forwarder.mu, then
	// fails and is made again after a pause. ForwardAsync keeps at most
	// MaxPendingDurable of them, so that half is always Forward's.
	durableMaxPending = 2 * MaxPendingDurable
	durableStallWait  = 20 * time.Millisecond
)

// durableStreamConfig returns the durable stream's settings for cfg.
func durableStreamConfig(cfg *Config) jetstream.StreamConfig {
	maxAge := cfg.durableMaxAge()
	return jetstream.StreamConfig{
		Name:        durableStream,
		Description: "hob: QoS 1 messages forwarded between nodes, for sessions that resume on another node",
		Subjects:    []string{prefixDurableTopic + ">", prefixDurableSystem + ">"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.replicas(),
		MaxAge:      maxAge,
		MaxBytes:    cfg.durableMaxBytes(),
		Discard:     jetstream.DiscardOld,
		Duplicates:  min(durableDuplicates, maxAge),
	}
}

// openDurable creates the durable stream, or opens it when another node
// created it, and waits until it answers; it retries until ctx ends.
func (n *Node) openDurable(ctx context.Context) error {
	cfg := durableStreamConfig(&n.cfg)
	for attempt := 1; ; attempt++ {
		err := n.tryOpenDurable(ctx, cfg)
		if err == nil {
			return nil
		}
		n.log.Debug("bus: durable stream not ready yet", "stream", durableStream, "attempt", attempt, "err", err)
		if werr := wait(ctx, backoff(attempt)); werr != nil {
			return fmt.Errorf("stream %s (%d replicas, %v, %d bytes) not ready after %d attempts: %w (last: %v)",
				durableStream, cfg.Replicas, cfg.MaxAge, cfg.MaxBytes, attempt, werr, err)
		}
	}
}

// tryOpenDurable makes one bounded attempt of openDurable. A stream that
// exists with other limits (DurableMaxAge, DurableMaxBytes) gets this
// node's; its other settings (e.g. Replicas) stay as they are.
func (n *Node) tryOpenDurable(ctx context.Context, cfg jetstream.StreamConfig) error {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	s, err := n.js.CreateStream(ctx, cfg)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		s, err = n.js.Stream(ctx, durableStream)
		if err == nil {
			n.adjustDurable(ctx, s.CachedInfo().Config, cfg)
		}
	}
	if err != nil {
		return err
	}
	if _, err := s.Info(ctx); err != nil {
		return fmt.Errorf("the stream does not answer yet: %w", err)
	}
	return nil
}

// adjustDurable gives the existing durable stream (settings have) the
// limits of want, when they differ; failing that, it logs and goes on
// with the stream as it is.
func (n *Node) adjustDurable(ctx context.Context, have, want jetstream.StreamConfig) {
	if have.MaxAge == want.MaxAge && have.MaxBytes == want.MaxBytes && have.Duplicates == want.Duplicates {
		if have.Replicas != want.Replicas {
			n.log.Info("bus: using the existing durable stream, whose replicas differ",
				"stream", durableStream, "replicas", have.Replicas, "configured", want.Replicas)
		}
		return
	}
	cfg := have
	cfg.MaxAge, cfg.MaxBytes, cfg.Duplicates = want.MaxAge, want.MaxBytes, want.Duplicates
	if _, err := n.js.UpdateStream(ctx, cfg); err != nil {
		n.log.Warn("bus: the durable stream's limits differ, and changing them failed; using them as they are",
			"stream", durableStream, "maxAge", have.MaxAge, "maxBytes", have.MaxBytes, "err", err)
		return
	}
	n.log.Info("bus: changed the durable stream's limits", "stream", durableStream,
		"maxAge", want.MaxAge, "maxBytes", want.MaxBytes, "wasMaxAge", have.MaxAge, "wasMaxBytes", have.MaxBytes)
}

// forwardDurable publishes a message into the durable stream, which
// captures its subject, and returns once the stream has stored it: on a
// majority of its replicas, so it outlives any one server. The publish
// reaches the nodes with interest as a core publish does. An attempt that
// fails for a reason that may pass (no ack in time, no stream leader, a
// reconnect) is made again, until durableBudget has passed. Each attempt
// takes a new sequence number, so that receivers do not drop it as a
// copy (it may be their first: an attempt can be lost on the way to
// every node), and keeps the first attempt's message id, so that the
// stream stores the message once; a receiver may get it more than once,
// which QoS 1 allows.
func (n *Node) forwardDurable(subject string, data []byte) error {
	end := time.Now().Add(n.budget)
	msgID := ""
	for attempt := 1; ; attempt++ {
		f, id, err := n.publishDurable(subject, data, msgID)
		msgID = id
		if err == nil {
			err = awaitAck(f, n.ctx.Done())
		}
		if err == nil {
			n.stats.durable.Add(1)
			return nil
		}
		if n.closed.Load() {
			return ErrClosed
		}
		if !retryDurable(err) {
			return err
		}
		pause := backoff(attempt)
		if time.Until(end) < pause {
			return fmt.Errorf("the durable stream %s did not store it within %v (%d attempts; last: %w)",
				durableStream, n.budget, attempt, err)
		}
		n.log.Debug("bus: durable forward not stored yet; trying again", "subject", subject, "attempt", attempt, "err", err)
		if wait(n.ctx, pause) != nil {
			return ErrClosed
		}
	}
}

// publishDurable numbers and sends one attempt of a durable forward;
// msgID "" means the first attempt, whose number becomes the message id.
func (n *Node) publishDurable(subject string, data []byte, msgID string) (jetstream.PubAckFuture, string, error) {
	n.fwd.mu.Lock()
	defer n.fwd.mu.Unlock()
	return n.publishDurableLocked(subject, data, msgID)
}

// publishDurableLocked is publishDurable; forwarder.mu must be held.
func (n *Node) publishDurableLocked(subject string, data []byte, msgID string) (jetstream.PubAckFuture, string, error) {
	m := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{hdrOrigin: {n.cfg.NodeID}}}
	n.fwd.seq++
	num := n.boot + "/" + strconv.FormatUint(n.fwd.seq, 10)
	m.Header[hdrSeq] = []string{num}
	if msgID == "" {
		msgID = num
	}
	f, err := n.js.PublishMsgAsync(m,
		jetstream.WithMsgID(msgID),
		jetstream.WithExpectStream(durableStream),
		jetstream.WithStallWait(durableStallWait),
		jetstream.WithRetryAttempts(0)) // forwardDurable retries, with a new number
	return f, msgID, err
}

// awaitAck waits for the stream's answer to one attempt, or until stop is
// closed (ErrClosed). nats.go ends the attempt with ErrAsyncPublishTimeout
// after durableAttempt; the timer here only guards against a future that
// never ends. An answer already in costs no timer.
func awaitAck(f jetstream.PubAckFuture, stop <-chan struct{}) error {
	select {
	case <-f.Ok():
		return nil
	case err := <-f.Err():
		return err
	default:
	}
	t := time.NewTimer(durableAttempt + time.Second)
	defer t.Stop()
	select {
	case <-f.Ok():
		return nil
	case err := <-f.Err():
		return err
	case <-t.C:
		return jetstream.ErrAsyncPublishTimeout
	case <-stop:
		return ErrClosed
	}
}

// retryDurable reports whether a durable forward that failed with err may
// succeed when tried again.
func retryDurable(err error) bool {
	var apiErr *jetstream.APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Code >= 500 // 503: no leader, JetStream unavailable
	case errors.Is(err, nats.ErrMaxPayload), errors.Is(err, nats.ErrBadSubject),
		errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrConnectionDraining),
		errors.Is(err, jetstream.ErrInvalidOption):
		return false
	}
	return true // no ack in time, no responders, a reconnect, too many pending
}
