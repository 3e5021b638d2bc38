package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hob-iot/hob/internal/iot"
)

// Parse validates doc as CreatePolicy and CreatePolicyVersion do and
// compiles it for Evaluate. Every failure is an *iot.Error with code
// iot.MalformedPolicyException whose message says what is wrong and where.
func Parse(doc string) (*Document, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, iot.Errorf(iot.MalformedPolicyException, "%s", err.Error())
	}
	return d, nil
}

// MustParse is Parse for tests and literals: it panics on an error.
func MustParse(doc string) *Document {
	d, err := Parse(doc)
	if err != nil {
		panic(err)
	}
	return d
}

func parse(doc string) (*Document, error) {
	if err := checkSize(doc); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("policy document is not valid JSON: %s", jsonProblem(err))
	}
	fields, err := objectFields(raw, "policy document", []string{"Version", "Id", "Statement"})
	if err != nil {
		return nil, err
	}
	byName := map[string]json.RawMessage{}
	for _, f := range fields {
		byName[f.name] = f.value
	}
	d := &Document{}
	if d.Version, err = parseVersion(byName["Version"]); err != nil {
		return nil, err
	}
	if v, ok := byName["Id"]; ok {
		var ok bool
		if d.ID, ok = asString(v); !ok {
			return nil, fmt.Errorf("Id must be a string, got %s", kindOf(v))
		}
	}
	st, ok := byName["Statement"]
	if !ok {
		return nil, errors.New("policy document has no Statement")
	}
	flags := compileFlags(0)
	if d.Version == Version2012 {
		flags = withVars
	}
	d.Statements, err = parseStatements(st, flags)
	return d, err
}

// checkSize enforces 1 to MaxDocumentChars characters excluding whitespace
// (spec §2.1).
func checkSize(doc string) error {
	if !utf8.ValidString(doc) {
		return errors.New("policy document is not valid UTF-8")
	}
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	if n == 0 {
		return errors.New("policy document is empty")
	}
	if n > MaxDocumentChars {
		return fmt.Errorf("policy document has %d characters excluding whitespace; the limit is %d", n, MaxDocumentChars)
	}
	return nil
}

func parseVersion(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("policy document has no Version (want %q)", Version2012)
	}
	v, ok := asString(raw)
	if !ok {
		return "", fmt.Errorf("Version must be a string, got %s", kindOf(raw))
	}
	if v != Version2012 && v != Version2008 {
		return "", fmt.Errorf("Version must be %q or %q, got %q", Version2012, Version2008, v)
	}
	return v, nil
}

// parseStatements accepts one statement object or a non-empty array of
// them; paths are "Statement" and "Statement[i]" respectively.
func parseStatements(raw json.RawMessage, flags compileFlags) ([]Statement, error) {
	switch kindOf(raw) {
	case "an object":
		s, err := parseStatement(raw, "Statement", flags)
		return []Statement{s}, err
	case "an array":
	default:
		return nil, fmt.Errorf("Statement must be an object or an array of objects, got %s", kindOf(raw))
	}
	list, _ := asArray(raw)
	if len(list) == 0 {
		return nil, errors.New("Statement must not be an empty array")
	}
	out := make([]Statement, len(list))
	for i, item := range list {
		s, err := parseStatement(item, fmt.Sprintf("Statement[%d]", i), flags)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// jsonProblem words a decoding error with its byte offset.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at offset %d", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
