package shadow

import (
	"bytes"
	"context"
	"hash/maphash"
	"net/http"
)

// job is one request on its way to the worker that owns its shadow.
type job struct {
	ctx      context.Context
	op       op
	thing    string
	name     string
	payload  []byte
	fromHTTP bool
	done     chan result // HTTP only: room for one result
}

// result is a job's answer to an HTTP caller.
type result struct {
	body []byte
	err  error
}

// shardSeed spreads shadows over workers; one seed for the process is
// enough, it only has to be the same for every request.
var shardSeed = maphash.MakeSeed()

// queueFor returns the queue of the worker that owns the shadow.
func (s *Service) queueFor(thing, name string) chan *job {
	h := maphash.String(shardSeed, shadowKey(thing, name))
	return s.queues[h%uint64(len(s.queues))]
}

// HandleMQTT takes a message published on a topic under RequestFilter. It
// is called on the broker's publisher goroutine, so it only queues the
// request and returns. Topics that are not requests (the service's own
// replies among them) are ignored. When the shadow's worker queue is full
// the request is answered with 429 "Too many requests" on its /rejected
// topic (ThrottlingException, spec §1.7); when even that cannot be queued,
// or the service is closed, the request is dropped and counted in Dropped.
// payload is copied; the caller may reuse it.
func (s *Service) HandleMQTT(topic string, payload []byte) {
	t, ok := parseRequestTopic(topic)
	if !ok {
		return
	}
	j := &job{ctx: context.Background(), op: t.Op, thing: t.Thing, name: t.Name, payload: bytes.Clone(payload)}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		s.dropped.Add(1)
		return
	}
	select {
	case s.queueFor(t.Thing, t.Name) <- j:
	default:
		s.throttle(j)
	}
}

// throttle queues a 429 reply for j. Call with s.mu read-locked.
func (s *Service) throttle(j *job) {
	token, _ := parseClientToken(j.payload)
	e := &Error{Code: http.StatusTooManyRequests, Message: "Too many requests", ClientToken: token}
	m := message{topicPrefix(j.thing, j.name) + "/" + j.op.String() + "/rejected", renderError(e, s.now())}
	select {
	case s.rejects <- m:
	default:
		s.dropped.Add(1)
	}
}

// publishRejects publishes the queued 429 replies until Close.
func (s *Service) publishRejects() {
	defer s.rejecter.Done()
	for m := range s.rejects {
		s.publish(m)
	}
}

// call runs an HTTP request on its shadow's worker and waits for the
// answer. It waits for room in a full queue rather than failing, until ctx
// is done.
func (s *Service) call(ctx context.Context, o op, thing, name string, payload []byte) ([]byte, error) {
	if e := checkNames(thing, name, true); e != nil {
		return nil, e
	}
	j := &job{ctx: ctx, op: o, thing: thing, name: name, payload: payload, fromHTTP: true, done: make(chan result, 1)}
	if err := s.enqueue(ctx, j); err != nil {
		return nil, err
	}
	select {
	case r := <-j.done:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// enqueue sends j to its worker, blocking while the queue is full.
func (s *Service) enqueue(ctx context.Context, j *job) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return &Error{Code: http.StatusServiceUnavailable, Message: "Service unavailable: " + errClosed.Error()}
	}
	select {
	case s.queueFor(j.thing, j.name) <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// work runs the jobs of one queue in order until Close closes it.
func (s *Service) work(q chan *job) {
	defer s.workers.Done()
	for j := range q {
		s.run(j)
	}
}

// run processes one job, publishes its MQTT messages, then answers an
// HTTP caller.
func (s *Service) run(j *job) {
	body, msgs, err := s.process(j)
	s.publish(msgs...)
	if j.done != nil {
		j.done <- result{body, err}
	}
}
