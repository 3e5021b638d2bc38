package api

import (
	"context"
	"encoding/json"

	"github.com/hob-iot/hob/internal/registry"
)

// TopicRuleService is the registry's topic-rule operations that the routes
// of topicrules.go call (rules-engine spec §1.2).
type TopicRuleService interface {
	CreateTopicRule(ctx context.Context, rule registry.TopicRule, tags []registry.Tag) error
	GetTopicRule(ctx context.Context, name string) (registry.TopicRule, error)
	ListTopicRules(ctx context.Context, in registry.ListTopicRulesInput) (registry.Page[registry.TopicRule], error)
	ReplaceTopicRule(ctx context.Context, rule registry.TopicRule) error
	DeleteTopicRule(ctx context.Context, name string) error
	SetTopicRuleDisabled(ctx context.Context, name string, disabled bool) error
}

// topicRuleRoutes serves the topic-rule operations (rules-engine spec
// §1.2, aws-iot spec §3.6). A rule that does not exist is an
// UnauthorizedException, as AWS answers; the registry makes that error.
func (s *Server) topicRuleRoutes() []route {
	return []route{
		iotRoute("CreateTopicRule", "POST", "/rules/{ruleName}", nil, s.createTopicRule),
		iotRoute("GetTopicRule", "GET", "/rules/{ruleName}", nil, s.getTopicRule),
		iotRoute("ListTopicRules", "GET", "/rules", []string{"topic", "maxResults", "nextToken", "ruleDisabled"}, s.listTopicRules),
		iotRoute("ReplaceTopicRule", "PATCH", "/rules/{ruleName}", nil, s.replaceTopicRule),
		iotRoute("DeleteTopicRule", "DELETE", "/rules/{ruleName}", nil, s.deleteTopicRule),
		iotRoute("EnableTopicRule", "POST", "/rules/{ruleName}/enable", nil, s.enableTopicRule),
		iotRoute("DisableTopicRule", "POST", "/rules/{ruleName}/disable", nil, s.disableTopicRule),
	}
}

func (s *Server) createTopicRule(ctx context.Context, r *Request) (any, error) {
	rule, err := decodeTopicRulePayload(r)
	if err != nil {
		return nil, err
	}
	tags, err := taggingHeader(r.Header("x-amz-tagging"))
	if err != nil {
		return nil, err
	}
	return nil, s.svc.TopicRules.CreateTopicRule(ctx, rule, tags)
}

func (s *Server) replaceTopicRule(ctx context.Context, r *Request) (any, error) {
	rule, err := decodeTopicRulePayload(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.TopicRules.ReplaceTopicRule(ctx, rule)
}

// topicRuleJSON is the TopicRule shape of GetTopicRule.
type topicRuleJSON struct {
	RuleName         string            `json:"ruleName"`
	SQL              string            `json:"sql"`
	Description      string            `json:"description,omitempty"`
	CreatedAt        *Time             `json:"createdAt,omitempty"`
	Actions          []json.RawMessage `json:"actions"`
	RuleDisabled     bool              `json:"ruleDisabled"`
	AwsIotSQLVersion string            `json:"awsIotSqlVersion"`
	ErrorAction      json.RawMessage   `json:"errorAction,omitempty"`
}

type getTopicRuleOutput struct {
	RuleArn string        `json:"ruleArn"`
	Rule    topicRuleJSON `json:"rule"`
}

func (s *Server) getTopicRule(ctx context.Context, r *Request) (any, error) {
	t, err := s.svc.TopicRules.GetTopicRule(ctx, r.Label("ruleName"))
	if err != nil {
		return nil, err
	}
	return getTopicRuleOutput{RuleArn: t.ARN, Rule: topicRuleJSON{RuleName: t.Name, SQL: t.SQL,
		Description: t.Description, CreatedAt: timePtr(t.CreatedAt), Actions: t.Actions,
		RuleDisabled: t.Disabled, AwsIotSQLVersion: t.SQLVersion, ErrorAction: t.ErrorAction}}, nil
}

func (s *Server) deleteTopicRule(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.TopicRules.DeleteTopicRule(ctx, r.Label("ruleName"))
}

func (s *Server) enableTopicRule(ctx context.Context, r *Request) (any, error) {
	return nil, s.setTopicRuleDisabled(ctx, r, false)
}

func (s *Server) disableTopicRule(ctx context.Context, r *Request) (any, error) {
	return nil, s.setTopicRuleDisabled(ctx, r, true)
}

func (s *Server) setTopicRuleDisabled(ctx context.Context, r *Request, disabled bool) error {
	return s.svc.TopicRules.SetTopicRuleDisabled(ctx, r.Label("ruleName"), disabled)
}
