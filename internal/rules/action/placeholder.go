package action

import (
	"context"
	"encoding/json"
	"fmt"
)

// placeholder describes an action of AWS's model that hob validates but
// does not perform yet.
type placeholder struct {
	kind     string   // failedAction
	resource string   // the field naming the target
	required []string // AWS's required members
}

// placeholders are the actions of AWS's model hob does not perform yet.
// It is never modified.
var placeholders = map[string]placeholder{
	"salesforce": {"SalesforceAction", "url", []string{"token", "url"}},
}

// placeholderParams holds the members of a placeholder action as given.
type placeholderParams struct {
	name   string
	spec   placeholder
	fields map[string]json.RawMessage
}

func (p *placeholderParams) check(c *checker) {
	for _, f := range p.spec.required {
		v, ok := p.fields[f]
		if !ok || string(v) == "null" || string(v) == `""` {
			c.required(f, "")
		}
	}
}

func (p *placeholderParams) build(Deps) (Action, error) {
	var res string
	_ = json.Unmarshal(p.fields[p.spec.resource], &res)
	return &notImplemented{name: p.name, kind: p.spec.kind, resource: res}, nil
}

// notImplemented fails every firing, which feeds the error action.
type notImplemented struct {
	name, kind, resource string
}

func (a *notImplemented) Kind() string     { return a.kind }
func (a *notImplemented) Resource() string { return a.resource }

// Do fails: hob does not perform this action yet.
func (a *notImplemented) Do(context.Context, *Invocation) error {
	return fmt.Errorf("the %s action is not implemented in hob yet", a.name)
}

var _ Action = (*notImplemented)(nil)
