package registry

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

// Page sizes of ListTopicRules (botocore model: maxResults 1..10000). AWS
// documents no default, so it is the largest, as for the registry's other
// listings without one.
const (
	topicRulesPageMax     = 10000
	topicRulesPageDefault = topicRulesPageMax
)

// ListTopicRulesInput selects a page of ListTopicRules.
type ListTopicRulesInput struct {
	// Topic, when set, keeps the rules whose FROM topic filter
	// (topicPattern) is exactly Topic. The model documents the parameter
	// only as "The topic"; hob reads it as the rule's own filter, not as
	// a topic name the filter would match.
	Topic string
	// Disabled, when set, keeps the rules whose ruleDisabled equals it.
	Disabled   *bool
	MaxResults int // 1 to 10000; 0 means 10000
	NextToken  string
}

// ListTopicRules lists the account's topic rules in name order, filtered
// by in.Topic and in.Disabled, one page at a time.
func (r *Registry) ListTopicRules(ctx context.Context, in ListTopicRulesInput) (Page[TopicRule], error) {
	var page Page[TopicRule]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		page, err = scanPage(tx, tableTopicRules, "", in.NextToken, listLimit(in.MaxResults, topicRulesPageDefault),
			func(rec store.Record) (TopicRule, bool, error) {
				rule, err := r.decodeTopicRule(rec)
				keep := (in.Topic == "" || rule.TopicPattern == in.Topic) &&
					(in.Disabled == nil || rule.Disabled == *in.Disabled)
				return rule, keep, err
			})
		return err
	})
	if page.Items == nil {
		page.Items = []TopicRule{}
	}
	return page, err
}

// TopicRules returns every topic rule, enabled or not, in name order: the
// rules runtime's RuleSource (rules contract), read again after each
// ChangeTopicRules.
func (r *Registry) TopicRules(ctx context.Context) ([]TopicRule, error) {
	var out []TopicRule
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		var decodeErr error
		err := tx.Scan(tableTopicRules, store.Query{}, func(rec store.Record) bool {
			rule, err := r.decodeTopicRule(rec)
			if err != nil {
				decodeErr = err
				return false
			}
			out = append(out, rule)
			return true
		})
		if err == nil {
			err = decodeErr
		}
		return err
	})
	return out, err
}

// decodeTopicRule decodes one record of tableTopicRules.
func (r *Registry) decodeTopicRule(rec store.Record) (TopicRule, error) {
	var tr topicRuleRecord
	if err := json.Unmarshal(rec.Value, &tr); err != nil {
		return TopicRule{}, fmt.Errorf("registry: decoding %s/%q: %w", tableTopicRules, rec.Key, err)
	}
	return r.topicRule(rec.Key, tr), nil
}
