package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/rules/eval"
	"github.com/hob-iot/hob/internal/rules/sql"
	"github.com/hob-iot/hob/internal/topic"
)

// ruleSet is one immutable generation of the enabled rules. Reload builds
// a new one and swaps it in.
type ruleSet struct {
	index    *topic.Index[*rule, struct{}] // FROM filters, AWS match mode
	byName   map[string]*rule              // enabled rules that compiled
	disabled map[string]bool               // disabled rules, for Basic Ingest's log
	failed   int                           // enabled rules that did not compile
}

func emptyRuleSet() *ruleSet {
	return &ruleSet{index: topic.NewIndex[*rule, struct{}](topic.AWS), byName: map[string]*rule{}, disabled: map[string]bool{}}
}

// rule is one enabled rule, compiled.
type rule struct {
	def         registry.TopicRule // as loaded, to tell whether a reload changed it
	name        string
	version     sql.Version
	from        string
	prog        *eval.Program
	actions     []action.Action
	kinds       []string            // each action's key ("republish"...)
	counters    []*[2]atomic.Uint64 // each action's [success, failure] counters
	errorAction action.Action
	stats       *ruleStats

	templates sync.Map // field text → *eval.Template or error

	// refs counts the owners of the rule: the rule set it belongs to (1
	// from compile until retire) and each queued or running job. The
	// actions are closed when it drops to 0.
	refs      atomic.Int64
	closeOnce sync.Once
}

// reload lists the rules and swaps in a new set. Unchanged rules are
// carried over with their actions; the others are compiled.
func (e *Engine) reload(ctx context.Context) error {
	e.reloadMu.Lock() // held while listing too: the last listing wins
	defer e.reloadMu.Unlock()
	if e.closed.Load() {
		return nil
	}
	defs, err := e.opts.Rules.TopicRules(ctx)
	if err != nil {
		return fmt.Errorf("rules: listing the topic rules: %w", err)
	}
	old := e.set.Load()
	next := emptyRuleSet()
	names := map[string]bool{}
	for _, d := range defs {
		names[d.Name] = true
		if d.Disabled {
			next.disabled[d.Name] = true
			continue
		}
		r := old.byName[d.Name]
		if r == nil || !sameDefinition(r.def, d) {
			if r, err = e.compile(d); err != nil {
				next.failed++
				e.log.Error("rules: rule not loaded", "rule", d.Name, "err", err)
				continue
			}
		}
		next.add(r, e)
	}
	e.set.Store(next)
	for name, r := range old.byName {
		if next.byName[name] != r {
			r.retire()
		}
	}
	e.stats.prune(names)
	return nil
}

// add puts r in the set, and in its index when it has a FROM filter.
func (s *ruleSet) add(r *rule, e *Engine) {
	s.byName[r.name] = r
	if r.from == "" {
		return // Basic Ingest only
	}
	if _, _, shared, _ := topic.ParseShared(r.from); shared {
		e.log.Warn("rules: a shared-subscription FROM filter matches nothing; the rule takes Basic Ingest only", "rule", r.name, "from", r.from)
		return
	}
	if _, err := s.index.Subscribe(r.from, r, struct{}{}); err != nil {
		e.log.Warn("rules: the FROM filter is not a valid topic filter; the rule takes Basic Ingest only", "rule", r.name, "from", r.from, "err", err)
	}
}

// compile builds the rule d: its SQL, its actions and its error action.
func (e *Engine) compile(d registry.TopicRule) (*rule, error) {
	v := versionOf(d.SQLVersion)
	st, err := sql.Parse(d.SQL, v)
	if err != nil {
		return nil, err
	}
	prog, err := eval.Compile(st)
	if err != nil {
		return nil, err
	}
	r := &rule{def: d, name: d.Name, version: v, from: prog.From(), prog: prog, stats: e.stats.get(d.Name)}
	r.refs.Store(1)
	for i, raw := range d.Actions {
		a, kind, err := e.build(raw)
		if err != nil {
			r.closeActions()
			return nil, fmt.Errorf("action %d: %w", i+1, err)
		}
		r.actions, r.kinds = append(r.actions, a), append(r.kinds, kind)
		r.counters = append(r.counters, r.stats.actionCounter(kind))
	}
	if len(d.ErrorAction) > 0 && !bytes.Equal(bytes.TrimSpace(d.ErrorAction), []byte("null")) {
		if r.errorAction, _, err = e.build(d.ErrorAction); err != nil {
			r.closeActions()
			return nil, fmt.Errorf("errorAction: %w", err)
		}
	}
	return r, nil
}

// build builds one action object and returns it with its key.
func (e *Engine) build(raw json.RawMessage) (action.Action, string, error) {
	kind, err := actionKey(raw)
	if err != nil {
		return nil, "", err
	}
	a, err := action.Build(raw, e.opts.Actions)
	return a, kind, err
}

// actionKey returns the key of a one-key action object ({"s3":{...}}).
func actionKey(raw json.RawMessage) (string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || len(obj) != 1 {
		return "", errors.New("an action must be a JSON object naming one action")
	}
	for k := range obj {
		return k, nil
	}
	panic("unreachable")
}

// versionOf maps awsIotSqlVersion to a parser version; "" is the API's
// default, 2015-10-08 (spec §1.1).
func versionOf(v string) sql.Version {
	if v == "" {
		return sql.V20151008
	}
	return sql.Version(v)
}

// sameDefinition reports whether two definitions compile alike.
func sameDefinition(a, b registry.TopicRule) bool {
	if a.Name != b.Name || a.SQL != b.SQL || versionOf(a.SQLVersion) != versionOf(b.SQLVersion) ||
		!bytes.Equal(a.ErrorAction, b.ErrorAction) || len(a.Actions) != len(b.Actions) {
		return false
	}
	for i := range a.Actions {
		if !bytes.Equal(a.Actions[i], b.Actions[i]) {
			return false
		}
	}
	return true
}

// template returns the compiled substitution template for the text of an
// action field, compiling it on first use.
func (r *rule) template(text string) (*eval.Template, error) {
	if v, ok := r.templates.Load(text); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*eval.Template), nil
	}
	t, err := eval.CompileTemplate(text, r.version)
	if err != nil {
		r.templates.Store(text, fmt.Errorf("substitution template %q: %w", text, err))
		return nil, err
	}
	r.templates.Store(text, t)
	return t, nil
}

// acquire takes a reference for a job; it fails once the rule is retired
// and idle.
func (r *rule) acquire() bool {
	for {
		n := r.refs.Load()
		if n <= 0 {
			return false
		}
		if r.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release drops a reference; the last one closes the actions.
func (r *rule) release() {
	if r.refs.Add(-1) == 0 {
		r.closeActions()
	}
}

// retire drops the rule set's reference: the rule is no longer in use.
func (r *rule) retire() { r.release() }

// closeActions closes the actions that hold resources, once.
func (r *rule) closeActions() {
	r.closeOnce.Do(func() {
		for _, a := range append(r.actions[:len(r.actions):len(r.actions)], r.errorAction) {
			if c, ok := a.(io.Closer); ok && a != nil {
				_ = c.Close()
			}
		}
	})
}
