package rules

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/rules/eval"
)

// process evaluates one job and, when WHERE holds, runs the rule's actions
// and, if some fail, its error action (spec §2, §11).
func (e *Engine) process(j job) {
	defer j.r.release()
	r, m := j.r, j.m
	r.stats.matched.Add(1)
	env := e.env(m)
	ctx, cancel := context.WithTimeout(e.ctx, e.opts.ActionTimeout)
	start := time.Now()
	res, err := r.prog.Run(ctx, env)
	r.stats.evalNanos.Add(uint64(time.Since(start)))
	cancel()
	if err != nil {
		r.stats.evalErrors.Add(1)
		e.log.Debug("rules: evaluation failed", "rule", r.name, "topic", m.Topic, "err", err)
		var fe *eval.FuncError
		if errors.As(err, &fe) && e.ctx.Err() == nil {
			// An external function failed: the rule stops, and its error
			// action says so, naming the function (eval.FuncError).
			e.runErrorAction(r, m, env, nil, []failure{{Action: fe.Func, Message: fe.Msg}})
		}
		return
	}
	if res == nil || !res.Fired {
		return
	}
	r.stats.fired.Add(1)
	failures := e.runActions(r, m, env, res)
	if len(failures) == 0 || e.ctx.Err() != nil {
		return
	}
	e.runErrorAction(r, m, env, res, failures)
}

// runActions runs r's actions on res's output, concurrently when there are
// several, each under its own timeout, and returns their failures in the
// rule's order.
func (e *Engine) runActions(r *rule, m *Message, env *eval.Env, res *eval.Result) []failure {
	n := len(r.actions)
	if n == 0 {
		return nil
	}
	errs := make([]error, n)
	if n == 1 {
		errs[0] = e.runAction(r, r.actions[0], m, env, res, res.Output)
	} else {
		var wg sync.WaitGroup
		for i, a := range r.actions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.runAction(r, a, m, env, res, res.Output)
			}()
		}
		wg.Wait()
	}
	var failures []failure
	for i, err := range errs {
		a := r.actions[i]
		if err == nil {
			r.counters[i][0].Add(1)
		} else {
			r.counters[i][1].Add(1)
			failures = append(failures, failure{Action: a.Kind(), Resource: a.Resource(), Message: err.Error()})
			e.log.Debug("rules: action failed", "rule", r.name, "action", a.Kind(), "resource", a.Resource(), "err", err)
		}
	}
	return failures
}

// runAction runs one action with the per-action timeout. Its templates
// render against the original message and the SET variables (spec §9).
func (e *Engine) runAction(r *rule, a action.Action, m *Message, env *eval.Env, res *eval.Result, output []byte) error {
	ctx, cancel := context.WithTimeout(WithHops(e.ctx, m.Hops), e.opts.ActionTimeout)
	defer cancel()
	inv := &action.Invocation{RuleName: r.name, Topic: m.Topic, Output: output,
		Render: func(field string) (string, error) {
			t, err := r.template(field)
			if err != nil {
				return "", err
			}
			return t.Render(ctx, env, res)
		}}
	return a.Do(ctx, inv)
}

// runErrorAction hands the rule's error action the one message that lists
// every failure of this (rule, message) (spec §11). If it fails too,
// nothing further happens but a count and a log line.
func (e *Engine) runErrorAction(r *rule, m *Message, env *eval.Env, res *eval.Result, failures []failure) {
	if r.errorAction == nil {
		return
	}
	out := errorMessage(r.name, m, failures)
	err := e.runAction(r, r.errorAction, m, env, res, out)
	r.stats.errorAction(err == nil)
	if err != nil {
		e.warn("rules: the error action failed too", "rule", r.name, "action", r.errorAction.Kind(),
			"resource", r.errorAction.Resource(), "err", err)
	}
}
