package shadow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// Publisher sends an MQTT message in process (the broker's in-process
// publish; QoS 0 or 1). The app implements it.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload []byte, qos byte) error
}

// RequestFilter is the MQTT filter the app subscribes the service to, so
// that HandleMQTT sees every shadow request (spec §1.2).
const RequestFilter = "$aws/things/+/shadow/#"

// Table is the store table of shadow documents, keyed by shadowKey.
const Table = "shadow.documents"

// Defaults of Options (spec §1.6, §1.8).
const (
	DefaultMaxStateBytes     = 8192
	DefaultMaxDepth          = 6
	DefaultMaxRequestBytes   = 128 * 1024
	DefaultDeletedVersionTTL = 48 * time.Hour
	DefaultWorkers           = 64
	DefaultQueueLength       = 256
)

// replyQoS is the QoS of every reply the service publishes: AWS does not
// document it; QoS 1 lets persistent sessions receive deltas missed while
// offline (spec §1.2 [inf]).
const replyQoS = 1

// cacheSize bounds the documents kept for updates (docCache): about the
// shadows that a busy fleet updates at once, not all of them.
const cacheSize = 16384

// Options configures a Service. Zero fields take the defaults above.
type Options struct {
	MaxStateBytes     int           // desired+reported size limit after merge (spec §1.8)
	MaxDepth          int           // levels of nesting inside desired and reported (spec §1.8)
	MaxRequestBytes   int           // update request body limit (spec §1.8)
	DeletedVersionTTL time.Duration // how long a deleted shadow's version counter is kept (spec §1.6)
	Workers           int           // shadows processed at once; requests for one shadow stay in order
	QueueLength       int           // requests waiting per worker before MQTT requests are throttled
	Now               func() time.Time
	Logger            *slog.Logger
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxStateBytes, DefaultMaxStateBytes)
	def(&o.MaxDepth, DefaultMaxDepth)
	def(&o.MaxRequestBytes, DefaultMaxRequestBytes)
	def(&o.Workers, DefaultWorkers)
	def(&o.QueueLength, DefaultQueueLength)
	if o.DeletedVersionTTL <= 0 {
		o.DeletedVersionTTL = DefaultDeletedVersionTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Service is the Device Shadow service over one store. It is safe for
// concurrent use. Every request, from MQTT or HTTP, runs on the worker
// that owns its shadow, so requests for one shadow are processed one at a
// time in arrival order and their replies are published in that order,
// while different shadows proceed concurrently.
//
// Locking: mu guards closed and the sends on the worker queues (RLock to
// send, Lock to close them); see enqueue.
type Service struct {
	st    store.Store
	pub   Publisher
	opts  Options
	rules docRules
	cache *docCache // last written documents, for updates (cache.go)

	mu      sync.RWMutex
	closed  bool
	queues  []chan *job
	workers sync.WaitGroup

	rejects   chan message // 429s for MQTT requests that found their queue full
	rejecter  sync.WaitGroup
	sweepQuit chan struct{}
	sweeper   sync.WaitGroup
	closing   atomic.Bool
	dropped   atomic.Int64
}

// message is one MQTT publish the service makes.
type message struct {
	topic   string
	payload []byte
}

// New makes a Service over st that publishes its MQTT replies through pub
// and starts its workers and its sweeper of expired tombstones. Close
// stops them.
func New(st store.Store, pub Publisher, opts Options) (*Service, error) {
	if st == nil || pub == nil {
		return nil, errors.New("shadow: New needs a store and a publisher")
	}
	o := opts.withDefaults()
	s := &Service{
		st: st, pub: pub, opts: o,
		cache:     newDocCache(cacheSize),
		rules:     docRules{MaxStateBytes: o.MaxStateBytes, TombstoneTTL: int64(o.DeletedVersionTTL / time.Second)},
		queues:    make([]chan *job, o.Workers),
		rejects:   make(chan message, o.QueueLength),
		sweepQuit: make(chan struct{}),
	}
	for i := range s.queues {
		s.queues[i] = make(chan *job, o.QueueLength)
		s.workers.Add(1)
		go s.work(s.queues[i])
	}
	s.rejecter.Add(1)
	go s.publishRejects()
	s.sweeper.Add(1)
	go s.sweep()
	return s, nil
}

// Close stops taking requests, waits until every queued request has been
// processed and its replies published, then stops the sweeper. Requests
// after Close fail with 503 (HTTP) or are dropped (MQTT). Close is
// idempotent and returns nil.
func (s *Service) Close() error {
	if !s.closing.CompareAndSwap(false, true) {
		return nil
	}
	s.mu.Lock()
	s.closed = true
	for _, q := range s.queues {
		close(q)
	}
	close(s.rejects)
	s.mu.Unlock()
	s.workers.Wait()
	s.rejecter.Wait()
	close(s.sweepQuit)
	s.sweeper.Wait()
	return nil
}

// Dropped is the number of MQTT requests dropped without any reply: those
// that arrived after Close, or found both their worker's queue and the
// throttle-reply queue full.
func (s *Service) Dropped() int64 { return s.dropped.Load() }

// now is the current time in epoch seconds (spec §6.1).
func (s *Service) now() int64 { return s.opts.Now().Unix() }

// publish sends the messages in order, logging failures: a reply that
// cannot be delivered does not undo the request.
func (s *Service) publish(msgs ...message) {
	for _, m := range msgs {
		if m.payload == nil {
			continue
		}
		if err := s.pub.Publish(context.Background(), m.topic, m.payload, replyQoS); err != nil {
			s.opts.Logger.Warn("shadow: publish reply", "topic", m.topic, "err", err)
		}
	}
}

// internal turns a store failure into AWS's 500, logging the cause.
func (s *Service) internal(err error, key, token string) *Error {
	s.opts.Logger.Error("shadow: store", "shadow", key, "err", err)
	return &Error{Code: 500, Message: msgInternal, ClientToken: token}
}

var errClosed = fmt.Errorf("shadow: service closed")
