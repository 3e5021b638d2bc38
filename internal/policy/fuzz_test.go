package policy

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hob-iot/hob/internal/iot"
)

// FuzzParse checks that Parse never panics, that every failure is a
// MalformedPolicyException, and that any document it accepts can be
// evaluated.
func FuzzParse(f *testing.F) {
	for _, d := range goodDocs {
		f.Add(d)
	}
	for _, tc := range badDocs {
		f.Add(tc.doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			if !iot.IsCode(err, iot.MalformedPolicyException) {
				t.Fatalf("error %v is not a MalformedPolicyException", err)
			}
			return
		}
		req := Request{Action: ActionPublish, Resource: topic("a/b"), Context: ctx("iot:ClientId", "c", "k", "1")}
		Evaluate([]*Document{d}, req)
	})
}

// FuzzPattern checks the wildcard matcher against a reference
// implementation by recursion.
func FuzzPattern(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Add("?*?", "ab")
	f.Add("**a", "ba")
	f.Add("a?", "aé")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 64 || len(s) > 64 || strings.Contains(pat, "${") || !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		p := compile(pat, withWildcards)
		if got, want := p.match(s, nil, false), globRef([]rune(pat), []rune(s)); got != want {
			t.Fatalf("match(%q, %q) = %v, want %v", pat, s, got, want)
		}
	})
}

// globRef is the obvious exponential definition of `*` and `?` matching.
func globRef(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		return globRef(p[1:], s) || (len(s) > 0 && globRef(p, s[1:]))
	case '?':
		return len(s) > 0 && globRef(p[1:], s[1:])
	}
	return len(s) > 0 && p[0] == s[0] && globRef(p[1:], s[1:])
}
