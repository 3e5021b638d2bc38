package topic

import (
	"errors"
	"strings"
	"testing"
)

// validCase is a name or filter that must be accepted under lim.
type validCase struct {
	in  string
	lim Limits
}

// invalidCase is a name or filter that must be refused with err at offset.
type invalidCase struct {
	in     string
	lim    Limits
	err    error
	offset int
}

var aws = DefaultLimits()

// levels returns n levels "l" joined by slashes: n-1 slashes.
func levels(n int) string { return strings.TrimSuffix(strings.Repeat("l/", n), "/") }

var goodNames = []validCase{
	{"a", aws}, {"a/b", aws}, {"/", aws}, {"//", aws}, {"a//b", aws}, {"/a", aws}, {"a/", aws},
	{"$SYS/broker/load", aws}, {"$aws/things/t1/shadow/update", aws}, {"é/ü/漢字", aws},
	{"a b/c\td", aws}, {"$share", aws}, {"$share/g", aws}, // names are never shared
	{strings.Repeat("x", 256), aws},
	{levels(8), aws},                                      // 7 slashes
	{"$aws/things/t/shadow/name/s/update/documents", aws}, // 7 slashes
	{"$aws/rules/r/" + levels(8), aws},                    // 10 slashes, 7 counted
	{"$aws/rules/r", aws},                                 // 2 slashes, none counted
	{strings.Repeat("x", 300), Limits{}},                  // no limit
	{levels(40), Limits{}},                                // no limit
	{strings.Repeat("x", MaxMQTTBytes), Limits{}},         // MQTT's maximum
	{"\u007f\u0001", aws},                                 // control characters are accepted
}

var badNames = []invalidCase{
	{"", aws, ErrEmpty, 0},
	{"a/+", aws, ErrWildcardInName, 2},
	{"a#", aws, ErrWildcardInName, 1},
	{"#", aws, ErrWildcardInName, 0},
	{"a\x00b", aws, ErrNullChar, 1},
	{"a/\xff", aws, ErrInvalidUTF8, 2},
	{"\xed\xa0\x80", aws, ErrInvalidUTF8, 0}, // UTF-16 surrogate U+D800
	{"a\xc0\xaf", aws, ErrInvalidUTF8, 1},    // overlong '/'
	{"é\xc3", aws, ErrInvalidUTF8, 2},        // truncated
	{strings.Repeat("x", 257), aws, ErrTooLong, 256},
	{strings.Repeat("x", MaxMQTTBytes+1), Limits{}, ErrTooLong, MaxMQTTBytes},
	{levels(9), aws, ErrTooManySlashes, 15},                    // 8th slash
	{"$aws/things/t/" + levels(6), aws, ErrTooManySlashes, 23}, // no exemption outside rules
	{"$aws/rules/r/" + levels(9), aws, ErrTooManySlashes, 28},  // 11 slashes, 8 counted
	{"a/b/c", Limits{MaxSlashes: 1}, ErrTooManySlashes, 3},
	{"abc", Limits{MaxBytes: 2}, ErrTooLong, 2},
}

func TestValidateName_Valid(t *testing.T) {
	for _, tc := range goodNames {
		if err := ValidateName(tc.in, tc.lim); err != nil {
			t.Errorf("ValidateName(%.40q) = %v, want nil", tc.in, err)
		}
	}
}

func TestValidateName_Invalid(t *testing.T) {
	for _, tc := range badNames {
		checkInvalid(t, "ValidateName", tc, false, ValidateName(tc.in, tc.lim))
	}
}

var goodFilters = []validCase{
	{"#", aws}, {"+", aws}, {"+/+", aws}, {"a/#", aws}, {"+/#", aws}, {"/#", aws}, {"/+", aws},
	{"a/+/b", aws}, {"a//b", aws}, {"/", aws}, {"$SYS/#", aws}, {"$aws/things/+/shadow/update/#", aws},
	{"$share", aws}, {"$SHARE/g/x", aws}, {"$sharex/y", aws},
	{"$share/g/a/#", aws}, {"$share/g/#", aws}, {"$share/g/+", aws}, {"$share/g//", aws},
	{"$share/g/$share/h/x", aws}, {"$share/é/x", aws},
	{"$share/g/" + levels(8), aws},                     // 9 slashes, 7 counted
	{"$share/" + strings.Repeat("g", 128) + "/x", aws}, // longest ShareName
	{"$share/g/" + strings.Repeat("x", 256), aws},      // longest inner filter
	{strings.Repeat("x", 256), aws}, {levels(8), aws},
	{"+/+/+/+/+/+/+/#", aws},
	{"$share/" + strings.Repeat("g", 500) + "/x", Limits{}},
}

var badFilters = []invalidCase{
	{"", aws, ErrEmpty, 0},
	{"a/#/b", aws, ErrMultiLevelWildcard, 2},
	{"a#", aws, ErrMultiLevelWildcard, 1},
	{"#a", aws, ErrMultiLevelWildcard, 0},
	{"#/", aws, ErrMultiLevelWildcard, 0},
	{"a/b#", aws, ErrMultiLevelWildcard, 3},
	{"##", aws, ErrMultiLevelWildcard, 0},
	{"a+", aws, ErrSingleLevelWildcard, 1},
	{"+a", aws, ErrSingleLevelWildcard, 0},
	{"a/+b/c", aws, ErrSingleLevelWildcard, 2},
	{"++", aws, ErrSingleLevelWildcard, 0},
	{"+#", aws, ErrSingleLevelWildcard, 0},
	{"a/\x00", aws, ErrNullChar, 2},
	{"a/\xff", aws, ErrInvalidUTF8, 2},
	{"$share/", aws, ErrShareName, 7},
	{"$share//a", aws, ErrShareName, 7},
	{"$share/g", aws, ErrNoSharedFilter, 8},
	{"$share/g/", aws, ErrNoSharedFilter, 9},
	{"$share/g+/a", aws, ErrShareName, 8},
	{"$share/#/a", aws, ErrShareName, 7},
	{"$share/g\x00/a", aws, ErrNullChar, 8},
	{"$share/\xff/a", aws, ErrInvalidUTF8, 7},
	{"$share/g/a#", aws, ErrMultiLevelWildcard, 10},
	{"$share/g/a/\x00", aws, ErrNullChar, 11},
	{"$share/" + strings.Repeat("g", 129) + "/x", aws, ErrShareName, 7 + 128},
	{"$share/g/" + strings.Repeat("x", 257), aws, ErrTooLong, 9 + 256},
	{"$share/g/" + levels(9), aws, ErrTooManySlashes, 9 + 15},
	{strings.Repeat("x", 257), aws, ErrTooLong, 256},
	{"+/+/+/+/+/+/+/+/#", aws, ErrTooManySlashes, 15},
	{strings.Repeat("x", MaxMQTTBytes+1), Limits{}, ErrTooLong, MaxMQTTBytes},
	{"$share/g/" + strings.Repeat("x", MaxMQTTBytes), Limits{}, ErrTooLong, MaxMQTTBytes},
}

func TestValidateFilter_Valid(t *testing.T) {
	for _, tc := range goodFilters {
		if err := ValidateFilter(tc.in, tc.lim); err != nil {
			t.Errorf("ValidateFilter(%.40q) = %v, want nil", tc.in, err)
		}
	}
	for _, tc := range goodNames { // a valid name is a valid filter, unless shared
		if !strings.HasPrefix(tc.in, sharePrefix) {
			if err := ValidateFilter(tc.in, tc.lim); err != nil {
				t.Errorf("ValidateFilter(name %.40q) = %v, want nil", tc.in, err)
			}
		}
	}
}

func TestValidateFilter_Invalid(t *testing.T) {
	for _, tc := range badFilters {
		checkInvalid(t, "ValidateFilter", tc, true, ValidateFilter(tc.in, tc.lim))
	}
}

// checkInvalid checks that err is an *Error for tc.
func checkInvalid(t *testing.T, fn string, tc invalidCase, filter bool, err error) {
	t.Helper()
	var e *Error
	switch {
	case !errors.As(err, &e):
		t.Errorf("%s(%.40q) = %v, want an *Error", fn, tc.in, err)
	case !errors.Is(err, tc.err) || e.Offset != tc.offset:
		t.Errorf("%s(%.40q) = %v (offset %d), want %v at %d", fn, tc.in, err, e.Offset, tc.err, tc.offset)
	case e.Topic != tc.in || e.Filter != filter:
		t.Errorf("%s(%.40q): Error{Topic: %.40q, Filter: %v}", fn, tc.in, e.Topic, e.Filter)
	}
}

func TestError_Error_Format(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ValidateFilter("a/#/b", aws), `topic filter "a/#/b": '#' must be alone in the last level (at byte 2)`},
		{ValidateName("a/+", aws), `topic name "a/+": topic names must not contain wildcards: '+' (at byte 2)`},
		{ValidateName(levels(9), aws), `topic name "l/l/l/l/l/l/l/l/l": too many levels: 8 counted slashes, limit 7 (at byte 15)`},
		{ValidateFilter("$share/a+/x", aws), `topic filter "$share/a+/x": invalid share name: contains + (at byte 8)`},
		{ValidateName(strings.Repeat("x", 300), aws),
			`topic name "` + strings.Repeat("x", 64) + `...": too long: 300 bytes, limit 256 (at byte 256)`},
	}
	for _, tc := range tests {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("got %v\nwant %s", tc.err, tc.want)
		}
	}
}

func TestParseShared_Table(t *testing.T) {
	tests := []struct {
		in, group, inner string
		ok               bool
		err              error
	}{
		{"a/b", "", "a/b", false, nil},
		{"$share", "", "$share", false, nil},
		{"$SHARE/g/a", "", "$SHARE/g/a", false, nil},
		{"$shared/g/a", "", "$shared/g/a", false, nil},
		{"$share/g/a/#", "g", "a/#", true, nil},
		{"$share/g//", "g", "/", true, nil},
		{"$share/g/$share/h/x", "g", "$share/h/x", true, nil},
		{"$share/g/a#", "g", "a#", true, nil}, // the inner filter is ValidateFilter's business
		{"$share/", "", "", true, ErrShareName},
		{"$share//x", "", "", true, ErrShareName},
		{"$share/g+/x", "", "", true, ErrShareName},
		{"$share/g", "", "", true, ErrNoSharedFilter},
		{"$share/g/", "", "", true, ErrNoSharedFilter},
	}
	for _, tc := range tests {
		group, inner, ok, err := ParseShared(tc.in)
		if group != tc.group || inner != tc.inner || ok != tc.ok || !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
			t.Errorf("ParseShared(%q) = %q, %q, %v, %v; want %q, %q, %v, %v",
				tc.in, group, inner, ok, err, tc.group, tc.inner, tc.ok, tc.err)
		}
	}
}

func TestValidateName_NoAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = ValidateName("$aws/things/t1/shadow/update", aws) }); n != 0 {
		t.Errorf("ValidateName allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ValidateFilter("$share/g/a/+/b/#", aws) }); n != 0 {
		t.Errorf("ValidateFilter allocates %v times", n)
	}
}
