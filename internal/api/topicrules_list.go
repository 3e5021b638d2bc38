package api

import (
	"context"

	"github.com/hob-iot/hob/internal/registry"
)

// topicRuleListItem is the TopicRuleListItem shape.
type topicRuleListItem struct {
	RuleArn      string `json:"ruleArn"`
	RuleName     string `json:"ruleName"`
	TopicPattern string `json:"topicPattern"`
	CreatedAt    *Time  `json:"createdAt,omitempty"`
	RuleDisabled bool   `json:"ruleDisabled"`
}

type listTopicRulesOutput struct {
	Rules     []topicRuleListItem `json:"rules"`
	NextToken string              `json:"nextToken,omitempty"`
}

// listTopicRules serves ListTopicRules: maxResults 1 to 10000 (botocore
// model), filtered by topic (the rule's FROM filter) and ruleDisabled when
// given (rules-engine spec §1.2).
func (s *Server) listTopicRules(ctx context.Context, r *Request) (any, error) {
	in, err := listTopicRulesQuery(r)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.TopicRules.ListTopicRules(ctx, in)
	if err != nil {
		return nil, err
	}
	out := listTopicRulesOutput{Rules: make([]topicRuleListItem, 0, len(page.Items)), NextToken: page.Next}
	for _, t := range page.Items {
		out.Rules = append(out.Rules, topicRuleListItem{RuleArn: t.ARN, RuleName: t.Name,
			TopicPattern: t.TopicPattern, CreatedAt: timePtr(t.CreatedAt), RuleDisabled: t.Disabled})
	}
	return out, nil
}

// listTopicRulesQuery reads ListTopicRules' query parameters.
func listTopicRulesQuery(r *Request) (registry.ListTopicRulesInput, error) {
	in := registry.ListTopicRulesInput{Topic: r.Query("topic"), NextToken: r.Query("nextToken")}
	var err error
	if in.MaxResults, err = r.QueryInt("maxResults", 0, 1, 10000); err != nil {
		return in, err
	}
	if r.Query("ruleDisabled") != "" {
		disabled, err := r.QueryBool("ruleDisabled", false)
		if err != nil {
			return in, err
		}
		in.Disabled = &disabled
	}
	return in, nil
}
