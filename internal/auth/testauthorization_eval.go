package auth

import (
	"maps"
	"slices"
	"strings"

	"github.com/hob-iot/hob/internal/policy"
)

// evaluateInfo answers one AuthInfo. Each policy is evaluated on its own
// for each resource, so that the answer can name the policies that
// decided: any explicit deny makes EXPLICIT_DENY; else every resource
// allowed by some policy makes ALLOWED; else IMPLICIT_DENY (spec §2.6).
func evaluateInfo(info AuthInfo, pols []PolicyDocument, docs []*policy.Document,
	vars map[string]string, ctx map[string][]string) AuthResult {
	missing := map[string]bool{}
	req := policy.Request{Action: testActions[info.ActionType], Context: ctx,
		Vars: recordingVars(vars, ctx, missing)}
	allowedBy := make([]bool, len(pols))
	deniedBy := make([]bool, len(pols))
	allResourcesAllowed := true
	for _, res := range info.Resources {
		req.Resource = res
		allowed := false
		for i, d := range docs {
			switch policy.Evaluate([]*policy.Document{d}, req).Reason {
			case policy.Allowed:
				allowedBy[i], allowed = true, true
			case policy.ExplicitDeny:
				deniedBy[i] = true
			}
		}
		allResourcesAllowed = allResourcesAllowed && allowed
	}
	r := AuthResult{AuthInfo: info, Allowed: []PolicyRef{}, ExplicitDeny: []PolicyRef{}, ImplicitDeny: []PolicyRef{},
		MissingContextValues: append([]string{}, slices.Sorted(maps.Keys(missing))...)}
	switch {
	case slices.Contains(deniedBy, true):
		r.Decision, r.ExplicitDeny = AuthExplicitDeny, refsWhere(pols, deniedBy)
	case allResourcesAllowed:
		r.Decision, r.Allowed = AuthAllowed, refsWhere(pols, allowedBy)
	default:
		r.Decision, r.ImplicitDeny = AuthImplicitDeny, refsWhere(pols, nil)
	}
	return r
}

// recordingVars resolves variables from vars and records in missing each
// name that neither vars nor ctx (whose keys match without regard to case)
// can supply.
func recordingVars(vars map[string]string, ctx map[string][]string, missing map[string]bool) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		for k := range ctx {
			if strings.EqualFold(k, name) {
				return "", false
			}
		}
		missing[name] = true
		return "", false
	}
}

// refsWhere returns the policies whose flag is set (all of them when flags
// is nil).
func refsWhere(pols []PolicyDocument, flags []bool) []PolicyRef {
	out := []PolicyRef{}
	for i, p := range pols {
		if flags == nil || flags[i] {
			out = append(out, PolicyRef{Name: p.Name, ARN: p.ARN})
		}
	}
	return out
}
