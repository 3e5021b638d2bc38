package registry

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// ruleFixture is a registry on a fresh store with a settable clock that
// records the changes it reports.
type ruleFixture struct {
	t       *testing.T
	st      store.Store
	r       *Registry
	now     time.Time
	changes []Change
}

func newRuleFixture(t *testing.T) *ruleFixture {
	t.Helper()
	f := &ruleFixture{t: t, st: openTestStore(t), now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.r = New(f.st, certTestAccount, nil, Options{
		Now:      func() time.Time { return f.now },
		OnChange: func(c Change) { f.changes = append(f.changes, c) },
	})
	return f
}

// testRule is a valid rule called name reading the topic filter from.
func testRule(name, from string) TopicRule {
	return TopicRule{Name: name, SQL: "SELECT * FROM '" + from + "'",
		Actions: []json.RawMessage{json.RawMessage(`{"republish": {"topic": "out/${topic()}", "roleArn": "arn:aws:iam::111122223333:role/r"}}`)}}
}

// mustCreate creates rule without tags and advances the clock a second.
func (f *ruleFixture) mustCreate(rule TopicRule) {
	f.t.Helper()
	if err := f.r.CreateTopicRule(context.Background(), rule, nil); err != nil {
		f.t.Fatal(err)
	}
	f.now = f.now.Add(time.Second)
}

func (f *ruleFixture) mustGet(name string) TopicRule {
	f.t.Helper()
	rule, err := f.r.GetTopicRule(context.Background(), name)
	if err != nil {
		f.t.Fatal(err)
	}
	return rule
}

// failsUnchanged runs a request that must fail with code and checks that
// it left the rule and tag tables as they were and reported no change.
func (f *ruleFixture) failsUnchanged(code iot.Code, op func() error) {
	f.t.Helper()
	before := len(f.changes)
	wantFailsUnchanged(f.t, func() map[string]string {
		return dumpTables(f.t, f.st, []string{tableTopicRules, tableTags})
	}, code, op)
	if len(f.changes) != before {
		f.t.Errorf("failed request reported changes %v", f.changes[before:])
	}
}

// ruleNames returns the names of rules.
func ruleNames(rules []TopicRule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Name
	}
	return out
}
