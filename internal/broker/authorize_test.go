package broker

import (
	"testing"

	"github.com/hob-iot/hob/internal/policy"
)

type namedPrincipal struct{ names []string }

func (namedPrincipal) ID() string                               { return "p" }
func (namedPrincipal) Authorize(string, string) policy.Decision { return policy.Decision{} }
func (n namedPrincipal) PolicyNames() []string                  { return n.names }

type unnamedPrincipal struct{}

func (unnamedPrincipal) ID() string                               { return "p" }
func (unnamedPrincipal) Authorize(string, string) policy.Decision { return policy.Decision{} }

func TestPolicyName_NamesTheDecidingPolicy(t *testing.T) {
	named := namedPrincipal{names: []string{"thing-policy", "deny-others"}}
	cases := []struct {
		p    Principal
		i    int
		want string
	}{
		{named, 1, "deny-others"},
		{named, 0, "thing-policy"},
		{named, -1, ""}, // implicit deny: no policy decided
		{named, 5, "5"}, // names changed since the decision: fall back to the index
		{unnamedPrincipal{}, 2, "2"},
	}
	for _, c := range cases {
		if got := policyName(c.p, c.i); got != c.want {
			t.Errorf("policyName(%T, %d) = %q, want %q", c.p, c.i, got, c.want)
		}
	}
}
