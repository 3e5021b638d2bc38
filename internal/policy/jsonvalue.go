package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// field is one member of a JSON object, in document order.
type field struct {
	name  string
	value json.RawMessage
}

// objectFields decodes raw as a JSON object and returns its members in
// order. Duplicate names are an error: a policy must not say two things.
// what names the object in messages; allowed lists the member names it may
// have (nil: any).
func objectFields(raw json.RawMessage, what string, allowed []string) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%s must be a JSON object, got %s", what, kindOf(raw))
	}
	var fields []field
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		name := t.(string) // object keys are always strings
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s has the field %q more than once", what, name)
		}
		if allowed != nil && !slices.Contains(allowed, name) {
			return nil, fmt.Errorf("%s has an unknown field %q (allowed: %s)", what, name, strings.Join(allowed, ", "))
		}
		seen[name] = true
		fields = append(fields, field{name, v})
	}
	return fields, nil
}

// stringOrList decodes a JSON string or a non-empty array of non-empty
// strings, the shape of Action, Resource and their Not forms.
func stringOrList(raw json.RawMessage, what string) ([]string, error) {
	if one, ok := asString(raw); ok {
		if one == "" {
			return nil, fmt.Errorf("%s must not be empty", what)
		}
		return []string{one}, nil
	}
	list, err := nonEmptyArray(raw, what)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, item := range list {
		var ok bool
		if out[i], ok = asString(item); !ok {
			return nil, fmt.Errorf("%s[%d] must be a string, got %s", what, i, kindOf(item))
		}
		if out[i] == "" {
			return nil, fmt.Errorf("%s[%d] must not be empty", what, i)
		}
	}
	return out, nil
}

// conditionValues decodes a condition's value: a scalar or a non-empty
// array of scalars, where strings, numbers and booleans are allowed as IAM
// allows them, each kept as its text.
func conditionValues(raw json.RawMessage, what string) ([]string, error) {
	if v, ok := scalarText(raw); ok {
		return []string{v}, nil
	}
	list, err := nonEmptyArray(raw, what)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, item := range list {
		v, ok := scalarText(item)
		if !ok {
			return nil, fmt.Errorf("%s[%d] must be a string, got %s", what, i, kindOf(item))
		}
		out[i] = v
	}
	return out, nil
}

// nonEmptyArray returns the items of raw, which must be a non-empty JSON
// array; the error, naming what, says "a string or an array of strings"
// were expected, as both its callers accept a single string first.
func nonEmptyArray(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	list, ok := asArray(raw)
	if !ok {
		return nil, fmt.Errorf("%s must be a string or an array of strings, got %s", what, kindOf(raw))
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%s must not be an empty array", what)
	}
	return list, nil
}

// scalarText returns the text of a JSON string, number or boolean.
func scalarText(raw json.RawMessage) (string, bool) {
	if s, ok := asString(raw); ok {
		return s, true
	}
	switch kindOf(raw) {
	case "a number", "a boolean":
		return string(bytes.TrimSpace(raw)), true
	}
	return "", false
}

// kindOf names the JSON type of raw for messages.
func kindOf(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// asString decodes raw if, and only if, it is a JSON string (json.Unmarshal
// alone would accept null).
func asString(raw json.RawMessage) (string, bool) {
	var s string
	if kindOf(raw) != "a string" || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// asArray decodes raw if, and only if, it is a JSON array.
func asArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	var list []json.RawMessage
	if kindOf(raw) != "an array" || json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	return list, true
}
