package rules

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/telemetry"
)

// fakeRules is a RuleSource whose rules a test sets.
type fakeRules struct {
	mu    sync.Mutex
	rules []registry.TopicRule
	err   error
}

func (f *fakeRules) TopicRules(context.Context) ([]registry.TopicRule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]registry.TopicRule(nil), f.rules...), f.err
}

func (f *fakeRules) set(rs ...registry.TopicRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = rs
}

// published is one republish the engine asked for, with its hop count.
type published struct {
	action.Republished
	hops int
}

// harness is an Engine whose republish actions land in got; a republish
// to a topic starting with "fail/" fails.
type harness struct {
	*Engine
	src *fakeRules
	got chan published
}

func newHarness(t *testing.T, o Options, rs ...registry.TopicRule) *harness {
	t.Helper()
	h := &harness{src: &fakeRules{rules: rs}, got: make(chan published, 1000)}
	o.Rules = h.src
	o.Actions.Republish = func(ctx context.Context, m action.Republished) error {
		if strings.HasPrefix(m.Topic, "fail/") {
			return errors.New("no route to " + m.Topic)
		}
		h.got <- published{m, HopsFrom(ctx)}
		return nil
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h.Engine = e
	return h
}

// republishRule is a rule that republishes its output to topic.
func republishRule(name, sqlText, topic string) registry.TopicRule {
	return registry.TopicRule{Name: name, SQL: sqlText, SQLVersion: "2016-03-23",
		Actions: []json.RawMessage{republishAction(topic)}}
}

func republishAction(topic string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"republish": map[string]any{"topic": topic, "roleArn": "arn:aws:iam::123456789012:role/r"}})
	return b
}

func (h *harness) await(t *testing.T) published {
	t.Helper()
	select {
	case p := <-h.got:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no republish within 5s")
	}
	panic("unreachable")
}

func (h *harness) none(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case p := <-h.got:
		t.Fatalf("unexpected republish to %s: %s", p.Topic, p.Payload)
	case <-time.After(within):
	}
}

func TestEngine_Handle_RepublishesWithTemplate(t *testing.T) {
	h := newHarness(t, Options{}, republishRule("r1", "SELECT a, b*2 AS c FROM 'dev/+/data' WHERE a > 10", "out/${topic(2)}"))
	h.Handle(Message{Topic: "dev/d1/data", Payload: []byte(`{"a":11,"b":2}`), ClientID: "d1"})
	p := h.await(t)
	if p.Topic != "out/d1" || string(p.Payload) != `{"a":11,"c":4}` || p.hops != 0 {
		t.Fatalf("republished %s %s hops %d", p.Topic, p.Payload, p.hops)
	}
	h.Handle(Message{Topic: "dev/d1/data", Payload: []byte(`{"a":1,"b":2}`)})   // WHERE false
	h.Handle(Message{Topic: "dev/d1/other", Payload: []byte(`{"a":11,"b":2}`)}) // FROM does not match
	h.none(t, 200*time.Millisecond)
}

func TestEngine_Handle_HopsTravelToRepublish(t *testing.T) {
	h := newHarness(t, Options{}, republishRule("r1", "SELECT * FROM 'a'", "b"))
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`), Hops: 3})
	if p := h.await(t); p.hops != 3 {
		t.Fatalf("the republish saw hops %d, want 3 (the adapter adds one)", p.hops)
	}
}

func TestEngine_Handle_HopLimit(t *testing.T) {
	h := newHarness(t, Options{MaxHops: 2}, republishRule("loop", "SELECT * FROM 'a'", "a"))
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`), Hops: 1})
	h.await(t)
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`), Hops: 2})
	h.none(t, 200*time.Millisecond)
	if n := h.counts.hopLimit.Load(); n != 1 {
		t.Fatalf("hop_limit count = %d, want 1", n)
	}
	if v := sample(h.Samples(), "hob_rules_dropped_total", "reason", "hop_limit"); v != 1 {
		t.Fatalf("hob_rules_dropped_total{reason=hop_limit} = %v, want 1", v)
	}
}

func TestEngine_Handle_BasicIngest(t *testing.T) {
	h := newHarness(t, Options{},
		republishRule("ingest", "SELECT topic(2) AS t FROM 'never/matches'", "out"),
		registry.TopicRule{Name: "off", SQL: "SELECT * FROM 'x'", Disabled: true, Actions: []json.RawMessage{republishAction("out")}})
	h.Handle(Message{Topic: "$aws/rules/ingest/b/floor2", Payload: []byte(`{}`)})
	if p := h.await(t); string(p.Payload) != `{"t":"floor2"}` {
		t.Fatalf("Basic Ingest output %s, want topic(2) of the topic after the prefix", p.Payload)
	}
	h.Handle(Message{Topic: "$aws/rules/nosuch/a", Payload: []byte(`{}`)})
	h.Handle(Message{Topic: "$aws/rules/off/a", Payload: []byte(`{}`)})
	h.Handle(Message{Topic: "x", Payload: []byte(`{}`)}) // disabled rule
	h.none(t, 200*time.Millisecond)
	if h.counts.notFound.Load() != 1 || h.counts.disabled.Load() != 1 {
		t.Fatalf("not found %d, disabled %d; want 1 and 1", h.counts.notFound.Load(), h.counts.disabled.Load())
	}
}

func TestEngine_ErrorAction_OneMessageWithEveryFailure(t *testing.T) {
	r := registry.TopicRule{Name: "failing", SQL: "SELECT * FROM 'in/#'",
		Actions:     []json.RawMessage{republishAction("fail/one"), republishAction("ok"), republishAction("fail/two")},
		ErrorAction: republishAction("errors/${topic()}")}
	h := newHarness(t, Options{}, r)
	h.Handle(Message{Topic: "in/x", Payload: []byte(`{"v":1}`), ClientID: "c1"})
	var errMsg published
	for range 2 { // the ok action and the error action, in either order
		if p := h.await(t); p.Topic != "ok" {
			errMsg = p
		}
	}
	if errMsg.Topic != "errors/in/x" {
		t.Fatalf("error action published on %q, want errors/in/x (templates read the original message)", errMsg.Topic)
	}
	var doc struct {
		RuleName, Topic, CloudwatchTraceID, ClientID, Base64OriginalPayload string
		Failures                                                            []map[string]string
	}
	if err := json.Unmarshal(errMsg.Payload, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.RuleName != "failing" || doc.Topic != "in/x" || doc.ClientID != "c1" || doc.Base64OriginalPayload != "eyJ2IjoxfQ==" ||
		doc.CloudwatchTraceID == "" || len(doc.Failures) != 2 {
		t.Fatalf("error message %s", errMsg.Payload)
	}
	if !strings.HasPrefix(string(errMsg.Payload), `{"ruleName":"failing","topic":"in/x","cloudwatchTraceId":`) {
		t.Fatalf("keys are not in AWS's order: %s", errMsg.Payload)
	}
	f := doc.Failures[0]
	if f["failedAction"] != "RepublishAction" || f["failedResource"] != "fail/one" || f["errorMessage"] == "" {
		t.Fatalf("failure %v", f)
	}
	h.none(t, 100*time.Millisecond)
	waitFor(t, func() bool {
		return sample(h.Samples(), "hob_rules_actions_total", "result", "failure") == 2 &&
			sample(h.Samples(), "hob_rules_error_actions_total", "result", "success") == 1
	})
}

func TestEngine_Handle_QueueFullDrops(t *testing.T) {
	block := make(chan struct{})
	src := &fakeRules{rules: []registry.TopicRule{republishRule("slow", "SELECT * FROM 'a'", "b")}}
	e, err := New(Options{Rules: src, Workers: 1, QueueLength: 2, Actions: action.Deps{
		Republish: func(ctx context.Context, _ action.Republished) error { <-block; return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	defer close(block)
	for range 10 {
		e.Handle(Message{Topic: "a", Payload: []byte(`{}`)})
	}
	// One job runs (blocked), two wait: at least seven are dropped.
	if n := e.counts.queueFull.Load(); n < 7 {
		t.Fatalf("queue_full = %d, want ≥ 7", n)
	}
}

func TestEngine_Reload(t *testing.T) {
	h := newHarness(t, Options{})
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`)})
	h.none(t, 100*time.Millisecond)
	h.src.set(republishRule("r", "SELECT * FROM 'a'", "b"))
	h.Reload()
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`)})
	h.await(t)
	old := h.set.Load().byName["r"]
	h.Reload() // unchanged: the compiled rule is kept
	if h.set.Load().byName["r"] != old {
		t.Fatal("an unchanged rule was recompiled")
	}
	h.src.set()
	h.Reload()
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`)})
	h.none(t, 100*time.Millisecond)
	waitFor(t, func() bool { return old.refs.Load() == 0 }) // a deleted rule is let go
}

func TestEngine_Reload_BadRuleSkipped(t *testing.T) {
	h := newHarness(t, Options{},
		registry.TopicRule{Name: "bad", SQL: "SELECT * FROM 'a'", Actions: []json.RawMessage{json.RawMessage(`{"nosuch":{}}`)}},
		republishRule("good", "SELECT * FROM 'a'", "b"))
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`)})
	h.await(t)
	if v := sample(h.Samples(), "hob_rules_failed_to_load", "", ""); v != 1 {
		t.Fatalf("hob_rules_failed_to_load = %v, want 1", v)
	}
}

func TestEngine_New_SourceError(t *testing.T) {
	if _, err := New(Options{Rules: &fakeRules{err: errors.New("store down")}}); err == nil {
		t.Fatal("New succeeded although the rules could not be listed")
	}
}

func TestEngine_Close_Idempotent(t *testing.T) {
	h := newHarness(t, Options{}, republishRule("r", "SELECT * FROM 'a'", "b"))
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	h.Handle(Message{Topic: "a", Payload: []byte(`{}`)}) // ignored, no panic
	h.none(t, 50*time.Millisecond)
}

func TestEngine_Samples_PerRule(t *testing.T) {
	h := newHarness(t, Options{}, republishRule("r", "SELECT * FROM 'a' WHERE x = 1", "b"))
	h.Handle(Message{Topic: "a", Payload: []byte(`{"x":1}`)})
	h.Handle(Message{Topic: "a", Payload: []byte(`{"x":2}`)})
	h.await(t)
	waitFor(t, func() bool {
		s := h.Samples()
		return sample(s, "hob_rules_matched_total", "rule", "r") == 2 && sample(s, "hob_rules_fired_total", "rule", "r") == 1 &&
			sample(s, "hob_rules_actions_total", "result", "success") == 1
	})
}

// sample returns the value of the sample called name whose label key is
// value (key "" matches any), or -1.
func sample(ss []telemetry.Sample, name, key, value string) float64 {
	for _, s := range ss {
		if s.Name == name && (key == "" || s.Labels[key] == value) {
			return s.Value
		}
	}
	return -1
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
