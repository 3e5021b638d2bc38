package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/rules/eval"
	"github.com/hob-iot/hob/internal/rules/sql"
	"github.com/hob-iot/hob/internal/topic"
)

// DryRunResult is what a rule would do with one message.
type DryRunResult struct {
	// Matched is whether the rule would be triggered at all: its FROM
	// filter matches the topic, or the topic is Basic Ingest.
	Matched bool
	// Fired is whether WHERE held, so that the actions would run.
	Fired bool
	// Output is the SELECT output the actions would get.
	Output []byte
	// Actions are the keys ("republish", "s3"...) of the actions that
	// would run: all of them when Matched and Fired, else none.
	Actions []string
}

// DryRun evaluates sqlText (awsIotSqlVersion version, "" for 2015-10-08)
// against a message with topic and payload and says what would happen,
// without side effects: no action runs (they are only validated), and the
// engine's rules and counters are untouched. Functions that read hob's
// state (get_thing_shadow, get_registry_data) do read it. Errors are
// *iot.Error: SqlParseException for bad SQL, InvalidRequestException for
// a bad version or action.
func (e *Engine) DryRun(ctx context.Context, sqlText, version, topicName string, payload []byte, actions []json.RawMessage) (DryRunResult, error) {
	v, err := dryRunVersion(version)
	if err != nil {
		return DryRunResult{}, err
	}
	kinds, err := validateActions(actions)
	if err != nil {
		return DryRunResult{}, err
	}
	st, err := sql.Parse(sqlText, v)
	if err != nil {
		return DryRunResult{}, iot.Errorf(iot.SqlParseException, "%v", err)
	}
	prog, err := eval.Compile(st)
	if err != nil {
		return DryRunResult{}, iot.Errorf(iot.SqlParseException, "%v", err)
	}
	m := &Message{Topic: topicName, Payload: payload, TraceID: newTraceID(), Received: time.Now()}
	matched := prog.From() == "" || topic.Match(prog.From(), topicName)
	if _, rest, ok := topic.SplitIngest(topicName); ok {
		m.Topic, matched = rest, true
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.ActionTimeout)
	defer cancel()
	res, err := prog.Run(ctx, e.env(m))
	if err != nil {
		return DryRunResult{}, iot.Errorf(iot.InvalidRequestException, "evaluating the rule: %v", err)
	}
	out := DryRunResult{Matched: matched, Fired: res != nil && res.Fired}
	if out.Fired {
		out.Output = res.Output
	}
	if out.Matched && out.Fired {
		out.Actions = kinds
	}
	return out, nil
}

// dryRunVersion checks awsIotSqlVersion as CreateTopicRule does.
func dryRunVersion(v string) (sql.Version, error) {
	switch sql.Version(v) {
	case "":
		return sql.V20151008, nil
	case sql.V20151008, sql.V20160323:
		return sql.Version(v), nil
	}
	return "", iot.Errorf(iot.InvalidRequestException, "awsIotSqlVersion %q must be %s or %s", v, sql.V20151008, sql.V20160323)
}

// validateActions validates each action object and returns their keys.
func validateActions(actions []json.RawMessage) ([]string, error) {
	kinds := make([]string, 0, len(actions))
	for i, raw := range actions {
		if err := action.Validate(raw); err != nil {
			var ie *iot.Error
			if errors.As(err, &ie) {
				return nil, err
			}
			return nil, iot.Errorf(iot.InvalidRequestException, "action %d: %v", i+1, err)
		}
		k, err := actionKey(raw)
		if err != nil {
			return nil, iot.Errorf(iot.InvalidRequestException, "action %d: %v", i+1, err)
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// String makes DryRunResult readable in test failures.
func (r DryRunResult) String() string {
	return fmt.Sprintf("matched=%v fired=%v output=%s actions=%v", r.Matched, r.Fired, r.Output, r.Actions)
}
