package registry

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// TopicRule is a topic rule as GetTopicRule shows it (rules-engine spec
// §1.1; botocore shapes TopicRulePayload and TopicRule). The registry
// checks the name, the SQL and the shape of the action list; what each
// action object says is the api's to validate (rules/action is a domain
// package too, so the registry cannot import it).
type TopicRule struct {
	Name        string
	SQL         string
	Description string
	// SQLVersion is awsIotSqlVersion. Requests may leave it "", which
	// means 2015-10-08 (spec §1.1); rules the registry returns always
	// carry the version they were parsed with.
	SQLVersion  string
	Disabled    bool
	Actions     []json.RawMessage // each {"republish":{...}} etc., compacted; never nil in results
	ErrorAction json.RawMessage   // nil when absent
	// TopicPattern is the SQL's FROM topic filter ("" when it has none),
	// ListTopicRules' topicPattern. Set by the registry; ignored in requests.
	TopicPattern string
	CreatedAt    time.Time // set by the registry at creation; ignored in requests
	ARN          string    // set by the registry; ignored in requests
}

// ChangeTopicRules reports that a topic rule was created, replaced,
// deleted, enabled or disabled. It names no rule: the rules runtime
// reloads every rule (rules contract, Engine.Reload).
const ChangeTopicRules ChangeKind = "TopicRules"

// tableTopicRules holds topic rules keyed by rule name, as topicRuleRecord.
// Tags of a rule are in tableTags under its ARN.
const tableTopicRules = "registry.topicrules"

// topicRuleRecord is a topic rule as stored in tableTopicRules.
type topicRuleRecord struct {
	SQL          string            `json:"sql"`
	Description  string            `json:"description,omitempty"`
	SQLVersion   string            `json:"awsIotSqlVersion"`
	Disabled     bool              `json:"ruleDisabled"`
	Actions      []json.RawMessage `json:"actions"`
	ErrorAction  json.RawMessage   `json:"errorAction,omitempty"`
	TopicPattern string            `json:"topicPattern"`
	CreatedAt    time.Time         `json:"createdAt"`
}

// CreateTopicRule stores a new topic rule with tags (the x-amz-tagging
// header of CreateTopicRule). The SQL must parse with its version
// (SqlParseException, spec §1.2), at most 10 actions are allowed (model:
// actions 0..10), and a name in use is a ResourceAlreadyExistsException
// with moto's message (the real message is not recorded).
func (r *Registry) CreateTopicRule(ctx context.Context, rule TopicRule, tags []Tag) error {
	rec, err := newTopicRuleRecord(rule, r.now().UTC(), r.checkSQL)
	if err != nil {
		return err
	}
	arn := r.account.ARN(iot.TypeRule, rule.Name)
	err = r.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(tableTopicRules, rule.Name); err == nil {
			return iot.AlreadyExists(rule.Name, arn, "Rule with given name already exists")
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := putJSON(tx, tableTopicRules, rule.Name, rec); err != nil {
			return err
		}
		return putTagsTxn(tx, arn, tags)
	})
	return r.notify(err, Change{Kind: ChangeTopicRules})
}

// GetTopicRule returns the rule called name. A rule that does not exist is
// an UnauthorizedException, as AWS answers (aws-iot spec §3.0: the model
// lists no ResourceNotFoundException for rule operations; moto differs).
func (r *Registry) GetTopicRule(ctx context.Context, name string) (TopicRule, error) {
	if err := iot.RuleName.Check(name); err != nil {
		return TopicRule{}, err
	}
	var out TopicRule
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getTopicRuleTxn(tx, name)
		out = r.topicRule(name, rec)
		return err
	})
	return out, err
}

// DeleteTopicRule deletes the rule called name and its tags; a missing
// rule is an UnauthorizedException, as for GetTopicRule.
func (r *Registry) DeleteTopicRule(ctx context.Context, name string) error {
	if err := iot.RuleName.Check(name); err != nil {
		return err
	}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getTopicRuleTxn(tx, name); err != nil {
			return err
		}
		if _, err := tx.Delete(tableTopicRules, name); err != nil {
			return err
		}
		return deleteTagsTxn(tx, r.account.ARN(iot.TypeRule, name))
	})
	return r.notify(err, Change{Kind: ChangeTopicRules})
}

// getTopicRuleTxn reads the rule called name, or returns AWS's answer for
// a rule that is not there: UnauthorizedException (401) "Access to topic
// rule '<name>' was denied" (aws-iot spec §3.0 [trace]).
func getTopicRuleTxn(tx store.ReadTx, name string) (topicRuleRecord, error) {
	var rec topicRuleRecord
	found, err := getJSON(tx, tableTopicRules, name, &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.UnauthorizedException, "Access to topic rule '%s' was denied", name)
	}
	return rec, err
}

// topicRule makes the TopicRule called name from its record.
func (r *Registry) topicRule(name string, rec topicRuleRecord) TopicRule {
	actions := rec.Actions
	if actions == nil {
		actions = []json.RawMessage{}
	}
	return TopicRule{Name: name, SQL: rec.SQL, Description: rec.Description, SQLVersion: rec.SQLVersion,
		Disabled: rec.Disabled, Actions: actions, ErrorAction: rec.ErrorAction,
		TopicPattern: rec.TopicPattern, CreatedAt: rec.CreatedAt, ARN: r.account.ARN(iot.TypeRule, name)}
}
