package rules

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/telemetry"
)

// ruleStats are one rule's counters. They are kept by name, so they
// survive a Reload that recompiles the rule.
type ruleStats struct {
	matched    atomic.Uint64 // evaluations started
	fired      atomic.Uint64 // WHERE was true
	evalErrors atomic.Uint64
	evalNanos  atomic.Uint64
	dropped    atomic.Uint64 // queue full
	hopLimit   atomic.Uint64
	errOK      atomic.Uint64 // error action runs that succeeded
	errFailed  atomic.Uint64

	mu      sync.Mutex                   // guards actions (the map, not the counters)
	actions map[string]*[2]atomic.Uint64 // action key → [success, failure]
}

// actionCounter returns the [success, failure] counters of the rule's
// actions with key kind, creating them.
func (s *ruleStats) actionCounter(kind string) *[2]atomic.Uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.actions[kind]
	if c == nil {
		c = new([2]atomic.Uint64)
		s.actions[kind] = c
	}
	return c
}

func (s *ruleStats) errorAction(ok bool) {
	if ok {
		s.errOK.Add(1)
	} else {
		s.errFailed.Add(1)
	}
}

// statsTable holds the rules' counters by name.
type statsTable struct {
	mu    sync.Mutex // guards rules
	rules map[string]*ruleStats
}

func newStatsTable() *statsTable { return &statsTable{rules: map[string]*ruleStats{}} }

// get returns the counters of the rule name, creating them.
func (t *statsTable) get(name string) *ruleStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.rules[name]
	if s == nil {
		s = &ruleStats{actions: map[string]*[2]atomic.Uint64{}}
		t.rules[name] = s
	}
	return s
}

// prune forgets the counters of rules that no longer exist.
func (t *statsTable) prune(names map[string]bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for name := range t.rules {
		if !names[name] {
			delete(t.rules, name)
		}
	}
}

// engineCounts are the engine-wide counters of messages not evaluated.
type engineCounts struct {
	queueFull, hopLimit, notFound, disabled, closed atomic.Uint64
}

func (c *engineCounts) drop(reason string) {
	switch reason {
	case "queue_full":
		c.queueFull.Add(1)
	case "hop_limit":
		c.hopLimit.Add(1)
	case "rule_not_found":
		c.notFound.Add(1)
	case "rule_disabled":
		c.disabled.Add(1)
	case "closed":
		c.closed.Add(1)
	}
}

// Samples implements telemetry.Source: the engine's counters and, per
// rule, messages matched and fired, evaluation errors and time, and
// action successes and failures.
func (e *Engine) Samples() []telemetry.Sample {
	set := e.set.Load()
	c := &e.counts
	out := []telemetry.Sample{
		gauge("hob_rules_loaded", "enabled topic rules in use", float64(len(set.byName))),
		gauge("hob_rules_failed_to_load", "enabled topic rules that did not compile (see the log)", float64(set.failed)),
		gauge("hob_rules_queue_length", "rule evaluations waiting for a worker", float64(len(e.queue))),
	}
	for reason, v := range map[string]uint64{"queue_full": c.queueFull.Load(), "hop_limit": c.hopLimit.Load(),
		"rule_not_found": c.notFound.Load(), "rule_disabled": c.disabled.Load(), "closed": c.closed.Load()} {
		out = append(out, counter("hob_rules_dropped_total", "rule evaluations not done, by reason", map[string]string{"reason": reason}, v))
	}
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	for name, s := range e.stats.rules {
		out = append(out, s.samples(name)...)
	}
	return out
}

// samples are one rule's samples.
func (s *ruleStats) samples(name string) []telemetry.Sample {
	l := map[string]string{"rule": name}
	out := []telemetry.Sample{
		counter("hob_rules_matched_total", "messages a rule evaluated", l, s.matched.Load()),
		counter("hob_rules_fired_total", "messages whose WHERE clause held, so the rule's actions ran", l, s.fired.Load()),
		counter("hob_rules_evaluation_errors_total", "evaluations that failed", l, s.evalErrors.Load()),
		{Name: "hob_rules_evaluation_seconds_total", Help: "time spent evaluating a rule's SQL (divide by hob_rules_matched_total for the mean)",
			Kind: telemetry.Counter, Labels: l, Value: time.Duration(s.evalNanos.Load()).Seconds()},
		counter("hob_rules_queue_full_total", "messages for a rule dropped because the queue was full", l, s.dropped.Load()),
		counter("hob_rules_hop_limit_total", "messages for a rule refused at the republish hop limit", l, s.hopLimit.Load()),
		counter("hob_rules_error_actions_total", "error action runs, by result", map[string]string{"rule": name, "result": "success"}, s.errOK.Load()),
		counter("hob_rules_error_actions_total", "error action runs, by result", map[string]string{"rule": name, "result": "failure"}, s.errFailed.Load()),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for kind, c := range s.actions {
		for i, result := range []string{"success", "failure"} {
			out = append(out, counter("hob_rules_actions_total", "action runs, by rule, action and result",
				map[string]string{"rule": name, "action": kind, "result": result}, c[i].Load()))
		}
	}
	return out
}

func counter(name, help string, labels map[string]string, v uint64) telemetry.Sample {
	return telemetry.Sample{Name: name, Help: help, Kind: telemetry.Counter, Labels: labels, Value: float64(v)}
}

func gauge(name, help string, v float64) telemetry.Sample {
	return telemetry.Sample{Name: name, Help: help, Kind: telemetry.Gauge, Value: v}
}

var _ telemetry.Source = (*Engine)(nil)

// RuleCounters are one rule's counters since the engine started (or since
// the rule was created), as the console shows them.
type RuleCounters struct {
	RuleName              string
	Matched               uint64 // messages the rule evaluated
	Fired                 uint64 // messages whose WHERE clause held
	EvalErrors            uint64
	Dropped               uint64 // queue full or hop limit
	ActionsSucceeded      uint64
	ActionsFailed         uint64
	ErrorActionsSucceeded uint64
	ErrorActionsFailed    uint64
}

// Counters answers every known rule's counters, sorted by rule name.
func (e *Engine) Counters() []RuleCounters {
	e.stats.mu.Lock()
	out := make([]RuleCounters, 0, len(e.stats.rules))
	for name, s := range e.stats.rules {
		out = append(out, s.counters(name))
	}
	e.stats.mu.Unlock()
	slices.SortFunc(out, func(a, b RuleCounters) int { return strings.Compare(a.RuleName, b.RuleName) })
	return out
}

func (s *ruleStats) counters(name string) RuleCounters {
	c := RuleCounters{RuleName: name, Matched: s.matched.Load(), Fired: s.fired.Load(), EvalErrors: s.evalErrors.Load(),
		Dropped: s.dropped.Load() + s.hopLimit.Load(), ErrorActionsSucceeded: s.errOK.Load(), ErrorActionsFailed: s.errFailed.Load()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.actions {
		c.ActionsSucceeded += a[0].Load()
		c.ActionsFailed += a[1].Load()
	}
	return c
}
