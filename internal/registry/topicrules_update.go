package registry

import (
	"context"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// ReplaceTopicRule replaces every part of the payload of the existing rule
// rule.Name, as ReplaceTopicRule does (rules-engine spec §1.2: "full
// replacement of payload"): a field the request leaves out takes its
// default, so a rule replaced without ruleDisabled is enabled. The rule
// keeps its creation time and tags. The request is checked as
// CreateTopicRule checks it; a missing rule is an UnauthorizedException, as
// for GetTopicRule.
func (r *Registry) ReplaceTopicRule(ctx context.Context, rule TopicRule) error {
	rec, err := newTopicRuleRecord(rule, time.Time{}, r.checkSQL)
	if err != nil {
		return err
	}
	err = r.st.Update(ctx, func(tx store.Tx) error {
		have, err := getTopicRuleTxn(tx, rule.Name)
		if err != nil {
			return err
		}
		rec.CreatedAt = have.CreatedAt
		return putJSON(tx, tableTopicRules, rule.Name, rec)
	})
	return r.notify(err, Change{Kind: ChangeTopicRules})
}

// SetTopicRuleDisabled sets the ruleDisabled flag of the rule called name:
// EnableTopicRule is disabled=false, DisableTopicRule disabled=true
// (rules-engine spec §1.2). Setting the flag a rule has already succeeds
// and reports no change. A missing rule is an UnauthorizedException, as for
// GetTopicRule.
func (r *Registry) SetTopicRuleDisabled(ctx context.Context, name string, disabled bool) error {
	if err := iot.RuleName.Check(name); err != nil {
		return err
	}
	changed := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getTopicRuleTxn(tx, name)
		if err != nil {
			return err
		}
		changed = rec.Disabled != disabled
		if !changed {
			return nil
		}
		rec.Disabled = disabled
		return putJSON(tx, tableTopicRules, name, rec)
	})
	return r.notifyIf(err, changed, Change{Kind: ChangeTopicRules})
}
