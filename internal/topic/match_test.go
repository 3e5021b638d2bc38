package topic

import "testing"

// matchCases: does filter match name, in Mode AWS and in Mode MQTT?
var matchCases = []struct {
	filter, name string
	aws, mqtt    bool
}{
	{"a", "a", true, true},
	{"a", "b", false, false},
	{"a/b", "a/b", true, true},
	{"a/b", "a", false, false},
	{"a", "a/b", false, false},
	{"Sport", "sport", false, false}, // case-sensitive
	{"é/+", "é/ü", true, true},

	// `+`: exactly one level, possibly empty
	{"a/+", "a/b", true, true},
	{"a/+", "a", false, false},
	{"a/+", "a/", true, true},
	{"a/+", "a/b/c", false, false},
	{"+", "a", true, true},
	{"+", "/a", false, false},
	{"+", "/finance", false, false},
	{"/+", "/finance", true, true},
	{"/+", "a", false, false},
	{"+/+", "/", true, true},
	{"+/+", "/finance", true, true},
	{"+/+", "a/b", true, true},
	{"+/+", "a", false, false},
	{"+/+", "a/b/c", false, false},
	{"a/+/c", "a//c", true, true},
	{"sport/+", "sport", false, false},
	{"sport/+", "sport/", true, true},

	// `#`: AWS needs at least one level under the parent; MQTT does not
	{"#", "a", true, true},
	{"#", "/", true, true},
	{"#", "a/b/c", true, true},
	{"a/#", "a", false, true},
	{"a/#", "a/", true, true},
	{"a/#", "a/b/c", true, true},
	{"a/#", "ab", false, false},
	{"a/#", "b/a", false, false},
	{"sport/tennis/player1/#", "sport/tennis/player1", false, true},
	{"sport/tennis/player1/#", "sport/tennis/player1/ranking", true, true},
	{"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true, true},
	{"sensor/#", "sensor", false, true},
	{"+/#", "a", false, true},
	{"+/#", "a/b", true, true},
	{"+/#", "/", true, true},
	{"/#", "/", true, true},
	{"/#", "/a/b", true, true},
	{"/#", "a", false, false},
	{"a/+/#", "a/b", false, true},
	{"a/+/#", "a/b/c", true, true},

	// empty levels are levels
	{"a//b", "a//b", true, true},
	{"a//b", "a/b", false, false},
	{"a/b", "a//b", false, false},
	{"/", "/", true, true},
	{"/", "a", false, false},
	{"a/", "a/", true, true},
	{"a/", "a", false, false},
	{"/a", "/a", true, true},
	{"/a", "a", false, false},

	// `$` topics are not matched by filters starting with a wildcard [MQTT-4.7.2-1]
	{"#", "$SYS/x", false, false},
	{"#", "$aws/things/t1/shadow/update", false, false},
	{"+", "$", false, false},
	{"+/#", "$SYS/a", false, false},
	{"+/monitor/Clients", "$SYS/monitor/Clients", false, false},
	{"+/+", "$aws/x", false, false},
	{"$", "$", true, true},
	{"$SYS/#", "$SYS/a", true, true},
	{"$SYS/#", "$SYS", false, true},
	{"$SYS/+", "$SYS/a", true, true},
	{"$SYS/monitor/+", "$SYS/monitor/Clients", true, true},
	{"$aws/things/+/shadow/update/#", "$aws/things/t1/shadow/update/accepted", true, true},
	{"$aws/things/+/shadow/#", "$aws/things/t1/shadow", false, true},
	{"$aws/events/presence/+/+", "$aws/events/presence/connected/c1", true, true},
	{"a/#", "a/$x", true, true}, // `$` only matters at the start
	{"a/+", "a/$x", true, true},

	// a shared filter is not understood by Match: it is literal
	{"$share/g/a", "a", false, false},
	{"$share/g/a", "$share/g/a", true, true},
}

func TestMode_Match_Table(t *testing.T) {
	for _, tc := range matchCases {
		if got := AWS.Match(tc.filter, tc.name); got != tc.aws {
			t.Errorf("AWS.Match(%q, %q) = %v, want %v", tc.filter, tc.name, got, tc.aws)
		}
		if got := MQTT.Match(tc.filter, tc.name); got != tc.mqtt {
			t.Errorf("MQTT.Match(%q, %q) = %v, want %v", tc.filter, tc.name, got, tc.mqtt)
		}
		if got := Match(tc.filter, tc.name); got != tc.aws {
			t.Errorf("Match(%q, %q) = %v, want AWS's %v", tc.filter, tc.name, got, tc.aws)
		}
	}
}

// TestMode_Match_TableIsValid keeps the table honest: every row is a valid
// filter and a valid name, so the rows test matching and not garbage.
func TestMode_Match_TableIsValid(t *testing.T) {
	for _, tc := range matchCases {
		if err := ValidateFilter(tc.filter, Limits{}); err != nil {
			t.Errorf("row filter: %v", err)
		}
		if err := ValidateName(tc.name, Limits{}); err != nil {
			t.Errorf("row name: %v", err)
		}
	}
}

func TestMode_Match_EmptyInput(t *testing.T) {
	for _, m := range []Mode{AWS, MQTT} {
		if m.Match("", "a") || m.Match("#", "") || m.Match("", "") {
			t.Errorf("%v: an empty filter or name matched", m)
		}
	}
}

func TestMode_String_Names(t *testing.T) {
	if AWS.String() != "AWS" || MQTT.String() != "MQTT" || Mode(0) != AWS {
		t.Errorf("got %v %v; the zero Mode must be AWS", AWS, MQTT)
	}
}
