package topic

import (
	"errors"
	"strings"
	"testing"
)

func TestSplitIngest(t *testing.T) {
	for _, tc := range []struct{ in, rule, rest string }{
		{"$aws/rules/r/a/b", "r", "a/b"},
		{"$aws/rules/r/", "", ""},
		{"$aws/rules//a", "", ""},
		{"$aws/rules/r", "", ""},
		{"a/b", "", ""},
	} {
		rule, rest, ok := SplitIngest(tc.in)
		if rule != tc.rule || rest != tc.rest || ok != (tc.rule != "") {
			t.Errorf("SplitIngest(%q) = %q, %q, %v", tc.in, rule, rest, ok)
		}
	}
}

// The `$aws/rules/{ruleName}/` prefix counts neither against the slash
// limit nor against the byte limit (rules-engine spec §12).
func TestValidateName_BasicIngestPrefixIsFree(t *testing.T) {
	lim := DefaultLimits()
	rest := strings.Repeat("x", 250) + "/" + strings.Repeat("a/", 6) + "z" // 263 bytes, 7 slashes
	rest = rest[len(rest)-256:]
	if err := ValidateName("$aws/rules/myrule/"+rest, lim); err != nil {
		t.Errorf("a 256-byte, 7-slash topic behind the ingest prefix: %v", err)
	}
	if err := ValidateName("$aws/rules/myrule/"+rest+"y", lim); !errors.Is(err, ErrTooLong) {
		t.Errorf("257 bytes after the prefix: %v, want ErrTooLong", err)
	}
	if err := ValidateName("other/"+rest, lim); err == nil {
		t.Error("the same topic without the prefix passed")
	}
}
