package action_test

import (
	"regexp"
	"testing"

	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// TestMain stops the throwaway PostgreSQL server of the sqlTable tests.
func TestMain(m *testing.M) { pgtest.Main(m) }

// templateRE finds ${...} in action fields.
var templateRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// renderer stands in for the rules runtime's template evaluation: each
// ${expr} becomes vars[expr], and an unknown expression fails.
func renderer(t *testing.T, vars map[string]string) func(string) (string, error) {
	return func(text string) (string, error) {
		var missing string
		out := templateRE.ReplaceAllStringFunc(text, func(m string) string {
			expr := templateRE.FindStringSubmatch(m)[1]
			v, ok := vars[expr]
			if !ok {
				missing = expr
			}
			return v
		})
		if missing != "" {
			t.Errorf("template %q: no value for ${%s}", text, missing)
		}
		return out, nil
	}
}
