package policy

import (
	"encoding/json"
	"fmt"
	"strings"
)

var statementFields = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// parseStatement validates and compiles one statement found at path.
func parseStatement(raw json.RawMessage, path string, flags compileFlags) (Statement, error) {
	var s Statement
	fields, err := objectFields(raw, path, statementFields)
	if err != nil {
		return s, err
	}
	byName := map[string]json.RawMessage{}
	for _, f := range fields {
		byName[f.name] = f.value
	}
	if v, ok := byName["Sid"]; ok {
		if s.Sid, ok = asString(v); !ok {
			return s, fmt.Errorf("%s.Sid must be a string, got %s", path, kindOf(v))
		}
	}
	if s.Effect, err = parseEffect(byName["Effect"], path); err != nil {
		return s, err
	}
	if err := s.parseActions(byName, path); err != nil {
		return s, err
	}
	if err := s.parseResources(byName, path, flags); err != nil {
		return s, err
	}
	if v, ok := byName["Condition"]; ok {
		if s.Conditions, err = parseConditions(v, path+".Condition", flags); err != nil {
			return s, err
		}
	}
	return s, nil
}

func parseEffect(raw json.RawMessage, path string) (Effect, error) {
	if raw == nil {
		return "", fmt.Errorf("%s has no Effect", path)
	}
	e, ok := asString(raw)
	if !ok {
		return "", fmt.Errorf("%s.Effect must be a string, got %s", path, kindOf(raw))
	}
	if e != string(Allow) && e != string(Deny) {
		return "", fmt.Errorf("%s.Effect must be Allow or Deny, got %q", path, e)
	}
	return Effect(e), nil
}

// oneOf returns the name and value of whichever of a and b (but not both)
// the statement has.
func oneOf(byName map[string]json.RawMessage, path, a, b string) (string, json.RawMessage, error) {
	va, hasA := byName[a]
	vb, hasB := byName[b]
	switch {
	case hasA && hasB:
		return "", nil, fmt.Errorf("%s has both %s and %s; use one", path, a, b)
	case hasA:
		return a, va, nil
	case hasB:
		return b, vb, nil
	}
	return "", nil, fmt.Errorf("%s has no %s or %s", path, a, b)
}

// listItems decodes a string-or-array element and yields each entry with
// its own path ("X" for a lone string, "X[i]" for array members).
func listItems(raw json.RawMessage, what string) ([]string, []string, error) {
	items, err := stringOrList(raw, what)
	if err != nil {
		return nil, nil, err
	}
	paths := make([]string, len(items))
	for i := range items {
		paths[i] = what
		if kindOf(raw) == "an array" {
			paths[i] = fmt.Sprintf("%s[%d]", what, i)
		}
	}
	return items, paths, nil
}

func (s *Statement) parseActions(byName map[string]json.RawMessage, path string) error {
	name, raw, err := oneOf(byName, path, "Action", "NotAction")
	if err != nil {
		return err
	}
	items, paths, err := listItems(raw, path+"."+name)
	if err != nil {
		return err
	}
	for i, a := range items {
		if msg := checkAction(a); msg != "" {
			return fmt.Errorf("%s: %s", paths[i], msg)
		}
		s.actions = append(s.actions, compile(a, withWildcards))
	}
	s.notActions = name == "NotAction"
	if s.notActions {
		s.NotActions = items
	} else {
		s.Actions = items
	}
	return nil
}

func (s *Statement) parseResources(byName map[string]json.RawMessage, path string, flags compileFlags) error {
	name, raw, err := oneOf(byName, path, "Resource", "NotResource")
	if err != nil {
		return err
	}
	items, paths, err := listItems(raw, path+"."+name)
	if err != nil {
		return err
	}
	for i, r := range items {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return fmt.Errorf("%s: %q must be \"*\" or an ARN (arn:aws:iot:region:account:type/name)", paths[i], r)
		}
		s.resources = append(s.resources, compile(r, flags|withWildcards))
	}
	s.notResources = name == "NotResource"
	if s.notResources {
		s.NotResources = items
	} else {
		s.Resources = items
	}
	return nil
}
