package registry

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_CreateTopicRule_Created(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	rule := testRule("r1", "sensors/+/temp")
	rule.Description = "temperature"
	rule.ErrorAction = json.RawMessage(` { "republish" : { "topic": "errors" } } `)
	rule.CreatedAt = time.Unix(1, 0)    // ignored
	rule.ARN = "arn:aws:iot:x:y:rule/z" // ignored
	f.must(f.r.CreateTopicRule(ctx, rule, []Tag{{Key: "team", Value: "data"}}))

	got := f.mustGet("r1")
	want := TopicRule{Name: "r1", SQL: "SELECT * FROM 'sensors/+/temp'", Description: "temperature",
		SQLVersion: "2015-10-08", TopicPattern: "sensors/+/temp", CreatedAt: f.now,
		ARN: "arn:aws:iot:us-east-1:111122223333:rule/r1"}
	if got.Name != want.Name || got.SQL != want.SQL || got.Description != want.Description ||
		got.SQLVersion != want.SQLVersion || got.TopicPattern != want.TopicPattern || got.Disabled ||
		!got.CreatedAt.Equal(want.CreatedAt) || got.ARN != want.ARN {
		t.Errorf("GetTopicRule = %+v\nwant %+v", got, want)
	}
	if len(got.Actions) != 1 ||
		string(got.Actions[0]) != `{"republish":{"topic":"out/${topic()}","roleArn":"arn:aws:iam::111122223333:role/r"}}` {
		t.Errorf("actions = %s", got.Actions)
	}
	if string(got.ErrorAction) != `{"republish":{"topic":"errors"}}` {
		t.Errorf("errorAction = %s", got.ErrorAction)
	}
	tags := dumpTables(t, f.st, []string{tableTags})
	if v := tags[tableTags+"|"+want.ARN]; !strings.Contains(v, `"team":"data"`) {
		t.Errorf("tags of the rule = %q", v)
	}
	if !slices.Equal(f.changes, []Change{{Kind: ChangeTopicRules}}) {
		t.Errorf("changes = %v", f.changes)
	}
}

func TestRegistry_CreateTopicRule_Versions(t *testing.T) {
	f := newRuleFixture(t)
	for _, v := range []string{"2015-10-08", "2016-03-23", "beta"} {
		rule := testRule("v_"+strings.ReplaceAll(v, "-", "_"), "t")
		rule.SQLVersion, rule.Disabled, rule.Actions = v, true, nil
		f.mustCreate(rule)
		got := f.mustGet(rule.Name)
		if got.SQLVersion != v || !got.Disabled || got.Actions == nil || len(got.Actions) != 0 || got.ErrorAction != nil {
			t.Errorf("%s: got %+v", v, got)
		}
	}
}

func TestRegistry_CreateTopicRule_Errors(t *testing.T) {
	f := newRuleFixture(t)
	f.mustCreate(testRule("taken", "t"))
	with := func(edit func(*TopicRule)) TopicRule {
		r := testRule("fresh", "t")
		edit(&r)
		return r
	}
	eleven := make([]json.RawMessage, 11)
	for i := range eleven {
		eleven[i] = json.RawMessage(`{"republish":{"topic":"x"}}`)
	}
	cases := []struct {
		name string
		rule TopicRule
		tags []Tag
		code iot.Code
	}{
		{"exists", testRule("taken", "other"), nil, iot.ResourceAlreadyExistsException},
		{"bad sql", with(func(r *TopicRule) { r.SQL = "SELECT FROM 't'" }), nil, iot.SqlParseException},
		{"empty sql", with(func(r *TopicRule) { r.SQL = "" }), nil, iot.SqlParseException},
		{"unknown version", with(func(r *TopicRule) { r.SQLVersion = "2017-01-01" }), nil, iot.InvalidRequestException},
		{"name with dash", with(func(r *TopicRule) { r.Name = "a-b" }), nil, iot.InvalidRequestException},
		{"empty name", with(func(r *TopicRule) { r.Name = "" }), nil, iot.InvalidRequestException},
		{"long name", with(func(r *TopicRule) { r.Name = strings.Repeat("n", 129) }), nil, iot.InvalidRequestException},
		{"11 actions", with(func(r *TopicRule) { r.Actions = eleven }), nil, iot.InvalidRequestException},
		{"action not an object", with(func(r *TopicRule) { r.Actions = []json.RawMessage{json.RawMessage(`["republish"]`)} }), nil, iot.InvalidRequestException},
		{"null action", with(func(r *TopicRule) { r.Actions = []json.RawMessage{json.RawMessage(`null`)} }), nil, iot.InvalidRequestException},
		{"error action not an object", with(func(r *TopicRule) { r.ErrorAction = json.RawMessage(`"republish"`) }), nil, iot.InvalidRequestException},
		{"reserved tag", testRule("fresh", "t"), []Tag{{Key: "aws:x", Value: "y"}}, iot.InvalidRequestException},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(tc.code, func() error {
				return f.r.CreateTopicRule(context.Background(), tc.rule, tc.tags)
			})
		})
	}
	if got := f.mustGet("taken"); got.TopicPattern != "t" {
		t.Errorf("the existing rule changed: %+v", got)
	}
}

func TestRegistry_CreateTopicRule_ExistsNamesRule(t *testing.T) {
	f := newRuleFixture(t)
	f.mustCreate(testRule("taken", "t"))
	err := f.r.CreateTopicRule(context.Background(), testRule("taken", "t"), nil)
	e, ok := iot.AsError(err)
	if !ok || e.Code != iot.ResourceAlreadyExistsException || e.ResourceArn != certTestAccount.ARN(iot.TypeRule, "taken") {
		t.Fatalf("error = %#v", err)
	}
}

func TestRegistry_GetTopicRule_MissingIsUnauthorized(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	ops := map[string]func() error{
		"get":     func() error { _, err := f.r.GetTopicRule(ctx, "ghost"); return err },
		"replace": func() error { return f.r.ReplaceTopicRule(ctx, testRule("ghost", "t")) },
		"delete":  func() error { return f.r.DeleteTopicRule(ctx, "ghost") },
		"enable":  func() error { return f.r.SetTopicRuleDisabled(ctx, "ghost", false) },
		"disable": func() error { return f.r.SetTopicRuleDisabled(ctx, "ghost", true) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			f.t = t
			f.failsUnchanged(iot.UnauthorizedException, op)
			if e, _ := iot.AsError(op()); e.Message != "Access to topic rule 'ghost' was denied" {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
	if _, err := f.r.GetTopicRule(ctx, "bad-name"); !iot.IsCode(err, iot.InvalidRequestException) {
		t.Errorf("GetTopicRule(bad-name) = %v, want InvalidRequestException", err)
	}
}

func (f *ruleFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}
