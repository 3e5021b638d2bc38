package app

import (
	"context"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/rules"
)

// rulesDryRun serves the API's dry-run route with the rules engine.
type rulesDryRun struct{ e *rules.Engine }

// DryRun implements api.RulesDryRunner.
func (d rulesDryRun) DryRun(ctx context.Context, req api.RulesDryRunRequest) (api.RulesDryRunResult, error) {
	res, err := d.e.DryRun(ctx, req.SQL, req.SQLVersion, req.Topic, req.Payload, req.Actions)
	if err != nil {
		return api.RulesDryRunResult{}, err
	}
	return api.RulesDryRunResult{Matched: res.Matched, Fired: res.Fired, Output: res.Output, Actions: res.Actions}, nil
}

var _ api.RulesDryRunner = rulesDryRun{}
