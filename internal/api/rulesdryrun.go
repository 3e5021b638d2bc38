package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/hob-iot/hob/internal/iot"
)

// RulesDryRunPath is hob's own route (no AWS operation) that evaluates a
// rule against a sample message without side effects, for the console and
// the command line (issue 5 item 6). It is signed like the control plane.
const RulesDryRunPath = "/hob/rules/dry-run"

// RulesDryRunner evaluates a rule's SQL against one message and says which
// actions would fire, without running them; the rules engine implements
// it through app. Errors are *iot.Error values (SqlParseException,
// InvalidRequestException).
type RulesDryRunner interface {
	DryRun(ctx context.Context, req RulesDryRunRequest) (RulesDryRunResult, error)
}

// RulesDryRunRequest is what to evaluate.
type RulesDryRunRequest struct {
	SQL        string
	SQLVersion string // awsIotSqlVersion; "" is 2015-10-08
	Topic      string
	Payload    []byte
	Actions    []json.RawMessage
}

// RulesDryRunResult is what the rule would do.
type RulesDryRunResult struct {
	Matched bool     // the FROM filter matches the topic (or it is Basic Ingest)
	Fired   bool     // WHERE held
	Output  []byte   // the SELECT output, when Fired
	Actions []string // keys of the actions that would run
}

// dryRunInput is the body of POST /hob/rules/dry-run. payload is the
// message: a JSON string is sent as its text, any other JSON value as its
// JSON text; payloadBase64 gives raw bytes instead.
type dryRunInput struct {
	SQL           string            `json:"sql"`
	SQLVersion    string            `json:"awsIotSqlVersion"`
	Topic         string            `json:"topic"`
	Payload       json.RawMessage   `json:"payload"`
	PayloadBase64 *string           `json:"payloadBase64"`
	Actions       []json.RawMessage `json:"actions"`
}

// dryRunOutput is the answer. output is the SELECT output when it is JSON;
// outputBase64 always carries its exact bytes.
type dryRunOutput struct {
	Matched      bool            `json:"matched"`
	Fired        bool            `json:"fired"`
	Output       json.RawMessage `json:"output,omitempty"`
	OutputBase64 *string         `json:"outputBase64,omitempty"`
	Actions      []string        `json:"actions"`
}

// EnableRulesDryRun adds the dry-run route, served by d. Call it before
// the Server serves requests.
func (s *Server) EnableRulesDryRun(d RulesDryRunner) {
	s.router.add(iotRoute("HobRulesDryRun", "POST", RulesDryRunPath, nil,
		func(ctx context.Context, r *Request) (any, error) { return dryRun(ctx, d, r) }))
}

// dryRun serves POST /hob/rules/dry-run.
func dryRun(ctx context.Context, d RulesDryRunner, r *Request) (any, error) {
	var in dryRunInput
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "the dry-run body must be a JSON object with sql, awsIotSqlVersion, topic, payload or payloadBase64, and actions: %v", err)
	}
	if in.SQL == "" {
		return nil, iot.Errorf(iot.InvalidRequestException, "sql is required")
	}
	payload, err := in.payload()
	if err != nil {
		return nil, err
	}
	res, err := d.DryRun(ctx, RulesDryRunRequest{SQL: in.SQL, SQLVersion: in.SQLVersion, Topic: in.Topic,
		Payload: payload, Actions: in.Actions})
	if err != nil {
		return nil, err
	}
	out := dryRunOutput{Matched: res.Matched, Fired: res.Fired, Actions: res.Actions}
	if out.Actions == nil {
		out.Actions = []string{}
	}
	if res.Fired {
		b64 := base64.StdEncoding.EncodeToString(res.Output)
		out.OutputBase64 = &b64
		if json.Valid(res.Output) {
			out.Output = res.Output
		}
	}
	return out, nil
}

// payload returns the message bytes the input describes.
func (in *dryRunInput) payload() ([]byte, error) {
	if in.PayloadBase64 != nil {
		if len(in.Payload) > 0 {
			return nil, iot.Errorf(iot.InvalidRequestException, "give payload or payloadBase64, not both")
		}
		b, err := base64.StdEncoding.DecodeString(*in.PayloadBase64)
		if err != nil {
			return nil, iot.Errorf(iot.InvalidRequestException, "payloadBase64 is not base64: %v", err)
		}
		return b, nil
	}
	var text string
	if err := json.Unmarshal(in.Payload, &text); err == nil {
		return []byte(text), nil
	}
	return bytes.TrimSpace(in.Payload), nil
}
