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

func TestRegistry_ReplaceTopicRule_ReplacesPayload(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	first := testRule("r1", "a/b")
	first.Description, first.Disabled = "old", true
	first.ErrorAction = json.RawMessage(`{"republish":{"topic":"err"}}`)
	f.must(f.r.CreateTopicRule(ctx, first, []Tag{{Key: "k", Value: "v"}}))
	created := f.now
	f.now = f.now.Add(time.Hour)

	next := TopicRule{Name: "r1", SQL: "SELECT a FROM 'c/#' WHERE a > 1", SQLVersion: "2016-03-23",
		Actions: []json.RawMessage{json.RawMessage(`{"republish":{"topic":"x"}}`), json.RawMessage(`{"republish":{"topic":"y"}}`)}}
	f.must(f.r.ReplaceTopicRule(ctx, next))
	got := f.mustGet("r1")
	if got.SQL != next.SQL || got.SQLVersion != "2016-03-23" || got.TopicPattern != "c/#" || got.Description != "" ||
		got.Disabled || got.ErrorAction != nil || len(got.Actions) != 2 || !got.CreatedAt.Equal(created) {
		t.Errorf("after replace: %+v", got)
	}
	if tags := dumpTables(t, f.st, []string{tableTags}); len(tags) != 1 {
		t.Errorf("replace dropped the tags: %v", tags)
	}
	if len(f.changes) != 2 {
		t.Errorf("changes = %v, want create and replace", f.changes)
	}
}

func TestRegistry_ReplaceTopicRule_Errors(t *testing.T) {
	f := newRuleFixture(t)
	f.mustCreate(testRule("r1", "t"))
	bad := testRule("r1", "t")
	bad.SQL = "SELECT FROM 't'"
	f.failsUnchanged(iot.SqlParseException, func() error { return f.r.ReplaceTopicRule(context.Background(), bad) })
	bad = testRule("r1", "t")
	bad.SQLVersion = "2099-01-01"
	f.failsUnchanged(iot.InvalidRequestException, func() error { return f.r.ReplaceTopicRule(context.Background(), bad) })
}

func TestRegistry_SetTopicRuleDisabled_Toggles(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	f.mustCreate(testRule("r1", "t"))
	f.changes = nil

	f.must(f.r.SetTopicRuleDisabled(ctx, "r1", true))
	if !f.mustGet("r1").Disabled {
		t.Fatal("DisableTopicRule left the rule enabled")
	}
	f.must(f.r.SetTopicRuleDisabled(ctx, "r1", true)) // already disabled: fine, no change
	if len(f.changes) != 1 {
		t.Errorf("changes after disabling twice = %v, want one", f.changes)
	}
	f.must(f.r.SetTopicRuleDisabled(ctx, "r1", false))
	if f.mustGet("r1").Disabled || len(f.changes) != 2 {
		t.Errorf("EnableTopicRule: disabled=%v, changes %v", f.mustGet("r1").Disabled, f.changes)
	}
}

func TestRegistry_DeleteTopicRule_RemovesRuleAndTags(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	f.must(f.r.CreateTopicRule(ctx, testRule("r1", "t"), []Tag{{Key: "k", Value: "v"}}))
	f.mustCreate(testRule("r2", "t"))
	f.must(f.r.DeleteTopicRule(ctx, "r1"))
	if _, err := f.r.GetTopicRule(ctx, "r1"); !iot.IsCode(err, iot.UnauthorizedException) {
		t.Errorf("GetTopicRule after delete = %v", err)
	}
	left := dumpTables(t, f.st, []string{tableTopicRules, tableTags})
	if len(left) != 1 || left[tableTopicRules+"|r2"] == "" {
		t.Errorf("left after delete: %v", left)
	}
	if len(f.changes) != 3 {
		t.Errorf("changes = %v", f.changes)
	}
	f.must(f.r.CreateTopicRule(ctx, testRule("r1", "u"), nil)) // the name is free again
}

func TestRegistry_ListTopicRules_Filters(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	for _, r := range []TopicRule{testRule("c", "a/b"), testRule("a", "a/+"), testRule("b", "a/b"), testRule("d", "a/b")} {
		f.mustCreate(r)
	}
	f.must(f.r.SetTopicRuleDisabled(ctx, "d", true))
	yes, no := true, false
	cases := []struct {
		name string
		in   ListTopicRulesInput
		want []string
	}{
		{"all, by name", ListTopicRulesInput{}, []string{"a", "b", "c", "d"}},
		{"topic", ListTopicRulesInput{Topic: "a/b"}, []string{"b", "c", "d"}},
		{"topic is not matched as a topic name", ListTopicRulesInput{Topic: "a/x"}, []string{}},
		{"disabled", ListTopicRulesInput{Disabled: &yes}, []string{"d"}},
		{"enabled on a topic", ListTopicRulesInput{Topic: "a/b", Disabled: &no}, []string{"b", "c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := f.r.ListTopicRules(ctx, tc.in)
			f.must(err)
			if got := ruleNames(page.Items); !slices.Equal(got, tc.want) || page.Next != "" {
				t.Errorf("rules = %v next %q, want %v", got, page.Next, tc.want)
			}
		})
	}
	page, err := f.r.ListTopicRules(ctx, ListTopicRulesInput{})
	f.must(err)
	if it := page.Items[0]; it.ARN != certTestAccount.ARN(iot.TypeRule, "a") || it.TopicPattern != "a/+" || it.CreatedAt.IsZero() {
		t.Errorf("first item = %+v", it)
	}
}

func TestRegistry_ListTopicRules_Pages(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	for _, n := range []string{"r1", "r2", "r3", "r4", "r5"} {
		f.mustCreate(testRule(n, "t"))
	}
	f.must(f.r.SetTopicRuleDisabled(ctx, "r2", true))
	no := false
	var got []string
	token, pages := "", 0
	for {
		page, err := f.r.ListTopicRules(ctx, ListTopicRulesInput{MaxResults: 2, NextToken: token, Disabled: &no})
		f.must(err)
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items with MaxResults 2", len(page.Items))
		}
		got, token, pages = append(got, ruleNames(page.Items)...), page.Next, pages+1
		if token == "" || pages > 5 {
			break
		}
	}
	if !slices.Equal(got, []string{"r1", "r3", "r4", "r5"}) || pages != 2 {
		t.Errorf("paged = %v in %d pages", got, pages)
	}
	_, err := f.r.ListTopicRules(ctx, ListTopicRulesInput{NextToken: "!!"})
	wantCode(t, err, iot.InvalidRequestException)
}

func TestRegistry_TopicRules_All(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	rules, err := f.r.TopicRules(ctx)
	f.must(err)
	if len(rules) != 0 {
		t.Fatalf("TopicRules on an empty registry = %v", rules)
	}
	for i := range 3 {
		f.mustCreate(testRule("r"+strings.Repeat("x", i), "t/"+strings.Repeat("x", i)))
	}
	f.must(f.r.SetTopicRuleDisabled(ctx, "rx", true))
	rules, err = f.r.TopicRules(ctx)
	f.must(err)
	if got := ruleNames(rules); !slices.Equal(got, []string{"r", "rx", "rxx"}) {
		t.Fatalf("TopicRules = %v", got)
	}
	if !rules[1].Disabled || rules[2].TopicPattern != "t/xx" || rules[0].SQLVersion != "2015-10-08" || len(rules[0].Actions) != 1 {
		t.Errorf("TopicRules = %+v", rules)
	}
}
