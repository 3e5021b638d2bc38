package rules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/rules/eval"
)

// Defaults of Options' zero fields.
const (
	DefaultQueueLength   = 16384
	DefaultMaxHops       = 8
	DefaultActionTimeout = 10 * time.Second
)

// RuleSource lists every topic rule, enabled or not; the registry
// implements it.
type RuleSource interface {
	TopicRules(ctx context.Context) ([]registry.TopicRule, error)
}

// Options configure an Engine. Rules is required; zero values of the
// others take the defaults above.
type Options struct {
	Rules   RuleSource
	Actions action.Deps
	Lookups eval.Lookups // get_thing_shadow, get_registry_data; nil: their AWS error
	// AccountID is what accountid() returns.
	AccountID string
	// Workers evaluate rules and run their actions; 0 means
	// 4 × GOMAXPROCS (actions mostly wait on the network).
	Workers int
	// QueueLength bounds the jobs (one per rule and message) waiting for a
	// worker; Handle drops and counts jobs beyond it.
	QueueLength int
	// MaxHops is the republish hop limit: a message republished by rules
	// MaxHops times in a chain is not evaluated again.
	MaxHops int
	// ActionTimeout bounds one action's Do (retries included), and the
	// evaluation of a rule (which may call get_thing_shadow...).
	ActionTimeout time.Duration
	Logger        *slog.Logger
}

// Engine is the rules runtime. It is safe for concurrent use; see
// LOCKING.md for its locks.
type Engine struct {
	opts Options
	log  *slog.Logger

	reloadMu sync.Mutex // serialises Reload; held while compiling, never by Handle
	set      atomic.Pointer[ruleSet]
	stats    *statsTable

	queue  chan job
	ctx    context.Context // cancelled by Close: in-flight evaluations and actions stop
	cancel context.CancelFunc
	done   chan struct{} // closed by Close: workers drain the queue and return
	wg     sync.WaitGroup
	closed atomic.Bool

	counts    engineCounts
	warnLimit logLimiter
}

// job is one evaluation: rule r on message m. The job holds a reference on
// r (see rule.acquire).
type job struct {
	r *rule
	m *Message
}

// New builds an Engine, loads the rules from o.Rules and starts the
// workers. The caller must Close it.
func New(o Options) (*Engine, error) {
	if o.Rules == nil {
		return nil, errors.New("rules: Options.Rules is required")
	}
	o = withDefaults(o)
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{opts: o, log: o.Logger, stats: newStatsTable(),
		queue: make(chan job, o.QueueLength), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	e.set.Store(emptyRuleSet())
	if err := e.reload(ctx); err != nil {
		cancel()
		return nil, err
	}
	for range o.Workers {
		e.wg.Add(1)
		go e.work()
	}
	return e, nil
}

func withDefaults(o Options) Options {
	if o.Workers <= 0 {
		o.Workers = 4 * runtime.GOMAXPROCS(0)
	}
	if o.QueueLength <= 0 {
		o.QueueLength = DefaultQueueLength
	}
	if o.MaxHops <= 0 {
		o.MaxHops = DefaultMaxHops
	}
	if o.ActionTimeout <= 0 {
		o.ActionTimeout = DefaultActionTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Reload rebuilds the rule set from the RuleSource; call it after any
// topic-rule change. It returns once the new set is in use, so a message
// published after Reload returns sees it. A failure to list the rules
// keeps the old set and is logged.
func (e *Engine) Reload() {
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := e.reload(ctx); err != nil {
		e.log.Error("rules: reloading the topic rules failed; the previous rules stay in use", "err", err)
	}
}

// Handle queues the evaluation of every enabled rule that m triggers: the
// rules whose FROM filter matches m.Topic or, for a Basic Ingest topic
// $aws/rules/<ruleName>/..., that one rule. It never blocks: a job that
// finds the queue full is dropped and counted. Handle keeps m's slices.
func (e *Engine) Handle(m Message) {
	if e.closed.Load() {
		return
	}
	set := e.set.Load()
	if name, rest, ok := basicIngest(&m); ok {
		e.handleIngest(set, &m, name, rest)
		return
	}
	bp := hitBufs.Get().(*hitBuf)
	bp.hits = set.index.AppendMatches(bp.hits[:0], m.Topic)
	if len(bp.hits) > 0 {
		e.enqueueHits(bp, &m)
	}
	clear(bp.hits)
	bp.hits = bp.hits[:0]
	hitBufs.Put(bp)
}

// handleIngest queues m for the rule name alone (spec §12), with the
// topic the rule sees set to rest.
func (e *Engine) handleIngest(set *ruleSet, m *Message, name, rest string) {
	r := set.byName[name]
	if r == nil {
		reason := "rule_not_found"
		if set.disabled[name] {
			reason = "rule_disabled"
		}
		e.counts.drop(reason)
		e.warn("rules: Basic Ingest message for a rule that is missing or disabled", "rule", name, "reason", reason, "clientId", m.ClientID)
		return
	}
	if m.Hops >= e.opts.MaxHops {
		e.refuseHops(r, m)
		return
	}
	c := e.own(m)
	c.BasicIngestRule, c.IngestTopic, c.Topic = name, m.Topic, rest
	e.enqueue(r, c)
}

// enqueueHits queues m for the rules in bp.hits. It is apart from Handle
// so that m is copied to the heap only when some rule matched.
func (e *Engine) enqueueHits(bp *hitBuf, m *Message) {
	if m.Hops >= e.opts.MaxHops {
		for _, h := range bp.hits {
			e.refuseHops(h.Key, m)
		}
		return
	}
	c := e.own(m)
	for _, h := range bp.hits {
		e.enqueue(h.Key, c)
	}
}

// own copies m for the workers and gives it a trace id.
func (e *Engine) own(m *Message) *Message {
	c := new(Message)
	*c = *m
	if c.TraceID == "" {
		c.TraceID = newTraceID()
	}
	if c.Received.IsZero() {
		c.Received = time.Now()
	}
	return c
}

// enqueue queues one job, or drops and counts it when the queue is full.
func (e *Engine) enqueue(r *rule, m *Message) {
	if !r.acquire() {
		return // replaced meanwhile by a Reload
	}
	select {
	case e.queue <- job{r: r, m: m}:
	default:
		r.release()
		e.counts.drop("queue_full")
		r.stats.dropped.Add(1)
		e.warn("rules: queue full, message dropped", "rule", r.name, "topic", m.Topic)
	}
}

// refuseHops counts and logs a message that reached the hop limit.
func (e *Engine) refuseHops(r *rule, m *Message) {
	e.counts.drop("hop_limit")
	r.stats.hopLimit.Add(1)
	e.warn("rules: message not evaluated: it reached the republish hop limit", "rule", r.name,
		"topic", m.Topic, "hops", m.Hops, "maxHops", e.opts.MaxHops)
}

// warn logs at most about once a second, so that a flood of drops does not
// flood the log; the counters keep the exact numbers.
func (e *Engine) warn(msg string, args ...any) {
	if e.warnLimit.allow(time.Now()) {
		e.log.Warn(msg, args...)
	}
}

// Close stops the workers: jobs still queued are dropped, in-flight
// evaluations and actions are cancelled and waited for, and every rule's
// actions are closed. It is idempotent.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	e.cancel()
	close(e.done)
	e.wg.Wait()
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	old := e.set.Swap(emptyRuleSet())
	for _, r := range old.byName {
		r.retire()
	}
	return nil
}

// work is one worker: it runs jobs until Close.
func (e *Engine) work() {
	defer e.wg.Done()
	for {
		select {
		case j := <-e.queue:
			e.process(j)
		case <-e.done:
			e.drain()
			return
		}
	}
}

// drain drops the jobs left in the queue at Close.
func (e *Engine) drain() {
	for {
		select {
		case j := <-e.queue:
			e.counts.drop("closed")
			j.r.release()
		default:
			return
		}
	}
}

// logLimiter allows one event per second.
type logLimiter struct{ next atomic.Int64 }

func (l *logLimiter) allow(now time.Time) bool {
	n := l.next.Load()
	if now.UnixNano() < n {
		return false
	}
	return l.next.CompareAndSwap(n, now.Add(time.Second).UnixNano())
}

// String describes the engine for logs.
func (e *Engine) String() string {
	return fmt.Sprintf("rules engine (%d rules, %d workers)", len(e.set.Load().byName), e.opts.Workers)
}
