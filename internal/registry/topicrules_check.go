package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/sql"
)

// maxRuleActions is the most actions a rule may have (botocore model:
// TopicRulePayload.actions 0..10).
const maxRuleActions = 10

// SQL versions of awsIotSqlVersion (rules-engine spec §1.1). "beta" is
// AWS's most recent beta version; hob parses it as 2016-03-23, the newest
// version it knows.
const (
	sqlVersionDefault = string(sql.V20151008) // when awsIotSqlVersion is absent
	sqlVersionBeta    = "beta"
)

// newTopicRuleRecord checks a Create or Replace request and returns the
// record to store, created at created.
func newTopicRuleRecord(rule TopicRule, created time.Time, check func(*sql.Statement) error) (topicRuleRecord, error) {
	if err := iot.RuleName.Check(rule.Name); err != nil {
		return topicRuleRecord{}, err
	}
	version := rule.SQLVersion
	if version == "" {
		version = sqlVersionDefault
	}
	from, err := parseRuleSQL(rule.SQL, version, check)
	if err != nil {
		return topicRuleRecord{}, err
	}
	actions, errorAction, err := compactActions(rule.Actions, rule.ErrorAction)
	if err != nil {
		return topicRuleRecord{}, err
	}
	return topicRuleRecord{SQL: rule.SQL, Description: rule.Description, SQLVersion: version,
		Disabled: rule.Disabled, Actions: actions, ErrorAction: errorAction,
		TopicPattern: from, CreatedAt: created}, nil
}

// parseRuleSQL parses text as a rule query of the given awsIotSqlVersion
// and returns its FROM topic filter. SQL that does not parse is a
// SqlParseException with the parser's message, which names the position
// (rules-engine spec §1.2: SQL is validated at create/replace time); an
// unknown version is an InvalidRequestException.
func parseRuleSQL(text, version string, check func(*sql.Statement) error) (string, error) {
	var v sql.Version
	switch version {
	case string(sql.V20151008), string(sql.V20160323):
		v = sql.Version(version)
	case sqlVersionBeta:
		v = sql.V20160323
	default:
		return "", iot.Errorf(iot.InvalidRequestException,
			"awsIotSqlVersion %q is not one of 2015-10-08, 2016-03-23, beta", version)
	}
	st, err := sql.Parse(text, v)
	if err == nil && check != nil {
		err = check(st)
	}
	if err != nil {
		var pe *sql.ParseError
		if !errors.As(err, &pe) {
			return "", err
		}
		return "", iot.Errorf(iot.SqlParseException, "%s", pe.Error())
	}
	return st.From, nil
}

// compactActions checks the shape of a rule's action list (at most 10 JSON
// objects, and an error action that is one object or absent) and returns
// compacted copies, with an empty list for none and nil for no error
// action. JSON null as the error action means none.
func compactActions(actions []json.RawMessage, errorAction json.RawMessage) ([]json.RawMessage, json.RawMessage, error) {
	if len(actions) > maxRuleActions {
		return nil, nil, iot.Errorf(iot.InvalidRequestException,
			"1 validation error detected: Value at 'topicRulePayload.actions' failed to satisfy constraint: Member must have length less than or equal to %d", maxRuleActions)
	}
	out := make([]json.RawMessage, len(actions))
	for i, a := range actions {
		c, err := compactObject(a)
		if err != nil || c == nil {
			return nil, nil, iot.Errorf(iot.InvalidRequestException, "topicRulePayload.actions[%d] must be a JSON object naming one action", i)
		}
		out[i] = c
	}
	ea, err := compactObject(errorAction)
	if err != nil {
		return nil, nil, iot.Errorf(iot.InvalidRequestException, "topicRulePayload.errorAction must be a JSON object naming one action")
	}
	return out, ea, nil
}

// compactObject returns raw compacted when it is a JSON object, nil when it
// is empty or JSON null, and an error otherwise.
func compactObject(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
