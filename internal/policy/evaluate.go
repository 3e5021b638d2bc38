package policy

import "fmt"

var _ fmt.Stringer = Reason(0)

// Reason says why a Decision came out as it did.
type Reason uint8

// The three outcomes of IAM-style evaluation (spec §2.6). The zero value is
// ImplicitDeny, so a zero Decision denies.
const (
	ImplicitDeny Reason = iota // no statement allowed the request
	ExplicitDeny               // a Deny statement matched
	Allowed                    // an Allow statement matched and no Deny did
)

// String names r for logs.
func (r Reason) String() string {
	switch r {
	case ExplicitDeny:
		return "explicit deny"
	case Allowed:
		return "allow"
	}
	return "implicit deny"
}

// Decision is the answer to a Request. Policy and Statement index the
// document (in the slice given to Evaluate) and statement that decided, or
// are -1 for an implicit deny.
type Decision struct {
	Allowed   bool
	Reason    Reason
	Policy    int
	Statement int
	Sid       string
}

// Evaluate decides req against the union of the statements of docs (nil
// entries are skipped): a matching Deny statement anywhere denies; else the
// first matching Allow statement allows; else the request is implicitly
// denied (spec §2.6). It does not allocate unless a Vars fallback for a
// condition key or a variable inside a typed condition value needs it.
func Evaluate(docs []*Document, req Request) Decision {
	allow := Decision{Policy: -1, Statement: -1}
	for pi, d := range docs {
		if d == nil {
			continue
		}
		for si := range d.Statements {
			s := &d.Statements[si]
			if (s.Effect == Allow && allow.Allowed) || !s.applies(&req) {
				continue
			}
			if s.Effect == Deny {
				return Decision{Reason: ExplicitDeny, Policy: pi, Statement: si, Sid: s.Sid}
			}
			allow = Decision{Allowed: true, Reason: Allowed, Policy: pi, Statement: si, Sid: s.Sid}
		}
	}
	return allow
}

// applies reports whether s covers req: its action, its resource and all
// its conditions.
func (s *Statement) applies(req *Request) bool {
	if anyMatch(s.actions, req.Action, nil, true) == s.notActions {
		return false
	}
	if anyMatch(s.resources, req.Resource, req, false) == s.notResources {
		return false
	}
	for i := range s.Conditions {
		if !s.Conditions[i].holds(req) {
			return false
		}
	}
	return true
}

func anyMatch(ps []pattern, s string, vars *Request, fold bool) bool {
	for i := range ps {
		if ps[i].match(s, vars, fold) {
			return true
		}
	}
	return false
}
