package topic

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// sentinels lists every error validation may wrap.
var sentinels = []error{ErrEmpty, ErrTooLong, ErrTooManySlashes, ErrInvalidUTF8, ErrNullChar,
	ErrWildcardInName, ErrMultiLevelWildcard, ErrSingleLevelWildcard, ErrShareName, ErrNoSharedFilter}

// checkError checks the shape of a validation error for input.
func checkError(t *testing.T, input string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Topic != input || e.Offset < 0 || e.Offset > len(input) {
		t.Fatalf("bad error for %q: %#v", input, err)
	}
	if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) {
		t.Fatalf("error %v wraps no sentinel", err)
	}
}

// FuzzValidateName checks that an accepted name keeps MQTT's rules and
// AWS's limits, that it is a valid filter matching itself, and that a
// refused one gets a well-formed error.
func FuzzValidateName(f *testing.F) {
	for _, tc := range goodNames {
		f.Add(tc.in)
	}
	for _, tc := range badNames {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name, aws)
		if err != nil {
			checkError(t, name, err)
			return
		}
		if name == "" || len(name) > 256 || strings.ContainsAny(name, "+#\x00") || !utf8.ValidString(name) {
			t.Fatalf("accepted %q", name)
		}
		if strings.HasPrefix(name, sharePrefix) {
			return
		}
		if err := ValidateFilter(name, aws); err != nil {
			t.Fatalf("name %q is not a valid filter: %v", name, err)
		}
		if !AWS.Match(name, name) || !MQTT.Match(name, name) {
			t.Fatalf("%q does not match itself", name)
		}
	})
}

// FuzzValidateFilter checks that ValidateFilter never panics, that its
// errors are well formed, that AWS's limits only refuse more, and that an
// Index takes every accepted filter and gives it back cleanly.
func FuzzValidateFilter(f *testing.F) {
	for _, tc := range goodFilters {
		f.Add(tc.in)
	}
	for _, tc := range badFilters {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		err := ValidateFilter(filter, Limits{})
		if err != nil {
			checkError(t, filter, err)
			if ValidateFilter(filter, aws) == nil {
				t.Fatalf("%q passes AWS's limits but not MQTT's rules", filter)
			}
			return
		}
		if err := ValidateFilter(filter, aws); err != nil {
			checkError(t, filter, err)
		}
		var ix Index[int, int]
		if _, err := ix.Subscribe(filter, 1, 1); err != nil {
			t.Fatalf("Subscribe(%q): %v", filter, err)
		}
		if !ix.Unsubscribe(filter, 1) || ix.Len() != 0 || !ix.root.empty() {
			t.Fatalf("Unsubscribe(%q) did not empty the index", filter)
		}
	})
}

// FuzzMatch subscribes each valid line of filters to an Index and checks
// that its answer for name is Mode.Match's over every filter.
func FuzzMatch(f *testing.F) {
	for _, tc := range matchCases {
		f.Add(tc.filter, tc.name, false)
		f.Add(tc.filter, tc.name, true)
	}
	f.Add("a/+\na/#\n#\n+/+\n$share/g/a/#\n$share/g/+/b\na/b", "a/b", false)
	f.Add("$SYS/#\n#\n+/#\n$share/s/$SYS/+", "$SYS/x", true)
	f.Add("/#\n+/+\n//\n/+\n+", "//", false)
	f.Fuzz(func(t *testing.T, filters, name string, mqtt bool) {
		mode := map[bool]Mode{false: AWS, true: MQTT}[mqtt]
		ix, m := NewIndex[int, int](mode), model{}
		for i, fl := range strings.SplitN(filters, "\n", 64) {
			if ValidateFilter(fl, Limits{}) == nil {
				mustSubscribe(t, ix, fl, i, i)
				m[modelKey{fl, i}] = i
			}
		}
		got := hits(ix, name)
		if ValidateName(name, Limits{}) != nil {
			return // must not panic; the answer does not matter
		}
		if want := m.hits(mode, name); !slices.Equal(got, want) {
			t.Fatalf("%v: hits(%q) = %v, want %v", mode, name, got, want)
		}
	})
}
