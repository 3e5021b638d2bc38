package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/action"
)

// topicRulePayload is the TopicRulePayload shape, the whole body of
// CreateTopicRule and ReplaceTopicRule (botocore model: the operations'
// payload member; rules-engine spec §1.1). sql and actions are required.
type topicRulePayload struct {
	SQL              *string           `json:"sql"`
	Description      string            `json:"description"`
	Actions          []json.RawMessage `json:"actions"`
	RuleDisabled     bool              `json:"ruleDisabled"`
	AwsIotSQLVersion string            `json:"awsIotSqlVersion"`
	ErrorAction      json.RawMessage   `json:"errorAction"`
}

// decodeTopicRulePayload reads the rule of a Create or Replace request,
// named by its ruleName label, and validates each action object and the
// error action with rules/action, as CreateTopicRule does (rules-engine
// spec §10, §11). The SQL is the registry's to parse.
func decodeTopicRulePayload(r *Request) (registry.TopicRule, error) {
	if err := iot.RuleName.Check(r.Label("ruleName")); err != nil {
		return registry.TopicRule{}, err
	}
	var p topicRulePayload
	if err := r.Decode(&p); err != nil {
		return registry.TopicRule{}, err
	}
	if p.SQL == nil {
		return registry.TopicRule{}, notNull("topicRulePayload.sql")
	}
	if p.Actions == nil {
		return registry.TopicRule{}, notNull("topicRulePayload.actions")
	}
	for i, a := range p.Actions {
		// AWS numbers list members from 1 in validation messages.
		if err := action.ValidateAt(a, fmt.Sprintf("topicRulePayload.actions.%d.member", i+1)); err != nil {
			return registry.TopicRule{}, err
		}
	}
	if len(p.ErrorAction) > 0 && string(p.ErrorAction) != "null" {
		if err := action.ValidateAt(p.ErrorAction, "topicRulePayload.errorAction"); err != nil {
			return registry.TopicRule{}, err
		}
	}
	return registry.TopicRule{Name: r.Label("ruleName"), SQL: *p.SQL, Description: p.Description,
		SQLVersion: p.AwsIotSQLVersion, Disabled: p.RuleDisabled, Actions: p.Actions,
		ErrorAction: p.ErrorAction}, nil
}

// notNull is AWS's validation error for a required member left out.
func notNull(path string) error {
	return iot.Errorf(iot.InvalidRequestException,
		"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", path)
}

// taggingHeader parses CreateTopicRule's x-amz-tagging header, tags as a
// URL query "k1=v1&k2=v2" (aws-iot spec §3.0), in key order. A key given
// twice is passed on twice, for the registry to refuse.
func taggingHeader(h string) ([]registry.Tag, error) {
	if h == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(h)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "x-amz-tagging must be URL-encoded key=value pairs joined by &: %v", err)
	}
	var tags []registry.Tag
	for k, vs := range q {
		for _, v := range vs {
			tags = append(tags, registry.Tag{Key: k, Value: v})
		}
	}
	slices.SortFunc(tags, func(a, b registry.Tag) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.Value, b.Value))
	})
	return tags, nil
}
