package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
)

// Replay settings.
const (
	// replayBatch is how many messages one pull asks for.
	replayBatch = 256
	// replayWaitMax bounds one pull that waits for new messages, so that
	// Replay notices the end of its tail and of its ctx in time;
	// replayWaitMin keeps it long enough for the server to answer.
	replayWaitMax = time.Second
	replayWaitMin = 50 * time.Millisecond
	// replayInactive is how long the server keeps Replay's consumer when
	// nobody pulls from it: it cleans up after a Replay that could not
	// delete its consumer, and one whose fn took long is started again.
	replayInactive = 30 * time.Second
	// maxReplayResets bounds how many times in a row Replay starts its
	// consumer again after a failure without receiving anything.
	maxReplayResets = 5
	// A consumer takes at most maxReplayFilters subjects, of at most
	// maxReplayFilterBytes in all; beyond that it reads the whole
	// durable space and Replay matches every message itself.
	maxReplayFilters     = 256
	maxReplayFilterBytes = 64 << 10
)

// replaySerial tells apart the consumers of one node's Replays.
var replaySerial atomic.Uint64

// Replay calls fn(topic, data), in stream order and on Replay's
// goroutine, for every message that was forwarded with durable set at or
// after since (by the stream's clock; zero since means everything the
// stream still holds) on a topic that one of the MQTT filters matches (as
// FilterSubjects maps them: under AWS IoT's `a/#` semantics a superset, as
// for DeliverRemote). This node's own forwards are included: the session
// that resumes here missed them too. Having read all there is, Replay
// keeps reading until tail has passed since it began, so that a message
// forwarded while the caller's fresh Interest still propagates through
// NATS is handed over too; then it returns nil.
//
// Replay does not deduplicate against DeliverRemote: a message may come
// both ways (QoS 1 allows that). It reads through an ephemeral consumer of
// the stream, which it deletes before it returns. It fails when ctx ends
// (or the node closes) first, when the stream does not answer (its
// consumer cannot be made, within ctx or 30 s), or when reading fails
// several times in a row; fn may have been called for some messages then.
func (n *Node) Replay(ctx context.Context, filters []string, since time.Time, tail time.Duration, fn func(topic string, data []byte)) error {
	if n.closed.Load() {
		return ErrClosed
	}
	subjects := replaySubjects(filters)
	if len(subjects) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(n.ctx, cancel)()
	r := &replay{
		n: n, match: subjects, filters: consumerFilters(subjects), since: since, fn: fn,
		prefix: fmt.Sprintf("hob_replay_%s_%s_%d", n.cfg.NodeID, n.boot, replaySerial.Add(1)),
	}
	defer r.drop()
	if err := r.run(ctx, time.Now().Add(tail)); err != nil {
		if n.closed.Load() {
			err = ErrClosed
		}
		return fmt.Errorf("bus: replay %q since %v: %w", filters, since.Format(time.RFC3339Nano), err)
	}
	return nil
}

// replaySubjects returns the durable-space subjects of filters, without
// those another one covers: a consumer refuses filter subjects of which
// one is a subset of another.
func replaySubjects(filters []string) []string {
	var all []string
	for _, f := range filters {
		for _, s := range FilterSubjects(f) {
			if d := durableSubject(s); len(d) <= MaxSubjectBytes {
				all = append(all, d)
			}
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	var kept []string
	for i, s := range all {
		covered := false
		for j, t := range all {
			if i != j && server.SubjectMatchesFilter(s, t) {
				covered = true
				break
			}
		}
		if !covered {
			kept = append(kept, s)
		}
	}
	return kept
}

// consumerFilters returns the filter subjects of Replay's consumer:
// subjects, or when they are too many or too long, the durable space
// (or spaces) they lie in.
func consumerFilters(subjects []string) []string {
	size := 0
	for _, s := range subjects {
		size += len(s)
	}
	if len(subjects) <= maxReplayFilters && size <= maxReplayFilterBytes {
		return subjects
	}
	var wide []string
	for _, p := range []string{prefixDurableTopic, prefixDurableSystem} {
		if slices.ContainsFunc(subjects, func(s string) bool { return strings.HasPrefix(s, p) }) {
			wide = append(wide, p+">")
		}
	}
	return wide
}

// replay is one Replay's reading of the durable stream.
type replay struct {
	n       *Node
	match   []string // the subjects asked for
	filters []string // the consumer's filter subjects
	since   time.Time
	fn      func(topic string, data []byte)
	prefix  string // of consumer names; each consumer adds a serial

	cons   jetstream.Consumer // nil until made, and after drop
	name   string
	serial int
	sseq   uint64 // stream sequence of the last message read; 0 none
	dseq   uint64 // the consumer's sequence of it
}

// run reads until it has read all there is and end has passed.
func (r *replay) run(ctx context.Context, end time.Time) error {
	drained := false // the last pull found nothing more
	failures := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.cons == nil {
			if err := r.open(ctx); err != nil {
				return err
			}
			drained = false
		}
		var err error
		got := 0
		switch {
		case !drained:
			got, drained, err = r.pull(ctx, 0)
		case time.Now().Before(end):
			got, drained, err = r.pull(ctx, max(min(time.Until(end), replayWaitMax), replayWaitMin))
		default:
			// A pull that found nothing may have gone unanswered: only the
			// consumer itself can say that all is read, and delivered here.
			var done bool
			done, err = r.caughtUp(ctx)
			if err == nil && done {
				return nil
			}
			drained = false
		}
		if err == nil {
			if got > 0 {
				failures = 0
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if failures++; failures > maxReplayResets {
			return err
		}
		r.n.log.Debug("bus: replay: reading the durable stream failed; starting again from the last message read",
			"consumer", r.name, "sequence", r.sseq, "err", err)
		r.drop()
	}
}

// open makes the consumer, starting after the last message read, or at
// since.
func (r *replay) open(ctx context.Context) error {
	cfg := jetstream.ConsumerConfig{
		Description:       "hob: Replay on node " + r.n.cfg.NodeID,
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: replayInactive,
		Replicas:          1,
		MemoryStorage:     true,
	}
	switch {
	case r.sseq > 0:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, r.sseq+1
	case !r.since.IsZero():
		since := r.since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	default:
		cfg.DeliverPolicy = jetstream.DeliverAllPolicy
	}
	if len(r.filters) == 1 {
		cfg.FilterSubject = r.filters[0]
	} else {
		cfg.FilterSubjects = r.filters
	}
	cctx, cancel := withKVTimeout(ctx)
	defer cancel()
	// Each attempt makes a consumer of another name. A consumer of one
	// replica goes on one of the stream's peers, chosen by the JetStream
	// meta leader, which takes a dead node for a live one until it has
	// missed its heartbeats (tens of seconds): retrying the same name
	// waits for that node as long. An attempt whose consumer was made
	// after all leaves it to the server, which deletes it when idle.
	cons, err := retryKV(cctx, func(ctx context.Context) (jetstream.Consumer, error) {
		r.serial++
		cfg.Name = r.prefix + "_" + strconv.Itoa(r.serial)
		return r.n.js.CreateConsumer(ctx, durableStream, cfg)
	})
	if err != nil {
		return fmt.Errorf("create a consumer of stream %s: %w", durableStream, err)
	}
	r.cons, r.name, r.dseq = cons, cfg.Name, 0
	return nil
}

// pull asks for the next messages, without waiting (wait 0) or waiting
// up to wait for some, and hands them to fn. drained reports that it
// found no more; a gap in the consumer's sequence is an error.
func (r *replay) pull(ctx context.Context, wait time.Duration) (got int, drained bool, err error) {
	var batch jetstream.MessageBatch
	if wait == 0 {
		batch, err = r.cons.FetchNoWait(replayBatch)
	} else {
		wctx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		batch, err = r.cons.Fetch(replayBatch, jetstream.FetchContext(wctx))
	}
	if err != nil {
		return 0, false, err
	}
	pending := uint64(0)
	for m := range batch.Messages() {
		meta, err := m.Metadata()
		if err != nil {
			return got, false, err
		}
		if meta.Sequence.Consumer != r.dseq+1 {
			return got, false, fmt.Errorf("message %d of the consumer arrived after %d: some were lost on the way",
				meta.Sequence.Consumer, r.dseq)
		}
		r.dseq, r.sseq, pending = meta.Sequence.Consumer, meta.Sequence.Stream, meta.NumPending
		got++
		r.deliver(m)
	}
	err = batch.Error()
	if wait > 0 && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil // the wait ended before the server's answer: caughtUp checks
	}
	return got, got == 0 || pending == 0, err
}

// deliver hands one message to fn, if it is a hob node's forward on a
// subject asked for.
func (r *replay) deliver(m jetstream.Msg) {
	subject := m.Subject()
	if !slices.ContainsFunc(r.match, func(f string) bool { return server.SubjectMatchesFilter(subject, f) }) {
		return // read because the consumer's filters are wider
	}
	topic, err := subjectTopic(subject)
	if _, _, ok := parseSeq(m.Headers().Get(hdrSeq)); err != nil || !ok {
		r.n.stats.dropped.Add(1)
		r.n.log.Debug("bus: replay: dropped a message that is no hob node's forward", "subject", subject, "err", err)
		return
	}
	r.n.stats.replayed.Add(1)
	r.fn(topic, m.Data())
}

// caughtUp asks the consumer whether every message it has is delivered,
// and was read here.
func (r *replay) caughtUp(ctx context.Context) (bool, error) {
	ictx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	info, err := r.cons.Info(ictx)
	if err != nil {
		return false, err
	}
	if info.Delivered.Consumer != r.dseq {
		return false, fmt.Errorf("the consumer delivered %d messages, %d of which arrived", info.Delivered.Consumer, r.dseq)
	}
	return info.NumPending == 0, nil
}

// drop deletes the consumer, if any; the server deletes it anyway after
// replayInactive without pulls.
func (r *replay) drop() {
	if r.cons == nil {
		return
	}
	r.cons = nil
	ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
	defer cancel()
	if err := r.n.js.DeleteConsumer(ctx, durableStream, r.name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		r.n.log.Debug("bus: replay: deleting the consumer failed; the server drops it when idle",
			"consumer", r.name, "after", replayInactive, "err", err)
	}
}
