package policy

import "strings"

// maxVariableLen is the longest value a policy variable may take; a longer
// one is left unresolved (AWS: spec §2.4).
const maxVariableLen = 1024

// Request is one authorization question: may the principal perform Action
// on Resource, given the request's policy variables and condition keys?
type Request struct {
	// Action is the IAM action, e.g. ActionPublish ("iot:Publish").
	Action string
	// Resource is the full ARN, e.g.
	// "arn:aws:iot:us-east-1:123456789012:topic/sensors/t1".
	Resource string
	// Vars, when set, resolves a policy variable by its name without `${}`
	// (e.g. "iot:ClientId"); ok=false means it has no value. A name it does
	// not resolve falls back to Context when Context holds exactly one
	// value for it.
	Vars func(name string) (value string, ok bool)
	// Context holds the condition keys of the request, each with its
	// values (several for keys such as iot:ConnectAttributes; an empty
	// slice is an empty set). Keys are matched without regard to case, as
	// in IAM; an exact match is found fastest. Conditions on a key absent
	// here fall back to Vars.
	Context map[string][]string
}

// variable returns the value of the variable atom a, or its literal form
// ${name} when it has none.
func (r *Request) variable(a atom) string {
	if r == nil {
		return a.raw
	}
	if r.Vars != nil {
		if v, ok := r.Vars(a.text); ok {
			return limitVariable(v, a)
		}
	}
	if vals, ok := r.lookup(a.text); ok && len(vals) == 1 {
		return limitVariable(vals[0], a)
	}
	return a.raw
}

func limitVariable(v string, a atom) string {
	if len(v) > maxVariableLen {
		return a.raw
	}
	return v
}

// lookup finds key in Context, exactly or else ignoring case.
func (r *Request) lookup(key string) ([]string, bool) {
	if v, ok := r.Context[key]; ok {
		return v, true
	}
	for k, v := range r.Context {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// conditionValues returns the values of condition key key: from Context,
// else from Vars.
func (r *Request) conditionValues(key string) ([]string, bool) {
	if v, ok := r.lookup(key); ok {
		return v, true
	}
	if r.Vars != nil {
		if v, ok := r.Vars(key); ok {
			return []string{v}, true
		}
	}
	return nil, false
}
