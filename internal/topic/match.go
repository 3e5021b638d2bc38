package topic

import "strings"

// Mode chooses how a multi-level wildcard treats its parent level. The
// zero Mode is AWS.
type Mode uint8

const (
	// AWS is AWS IoT Core's behaviour: `sensor/#` matches `sensor/` and
	// `sensor/x` but not `sensor` (spec §4.2, §6 gotcha 7). A filter that is
	// only `#` matches every topic not starting with `$`.
	AWS Mode = iota
	// MQTT is the behaviour of the MQTT 3.1.1 and 5.0 specifications
	// (§4.7.1.2): `sensor/#` matches `sensor` too.
	MQTT
)

// String returns "AWS" or "MQTT".
func (m Mode) String() string {
	if m == MQTT {
		return "MQTT"
	}
	return "AWS"
}

// Match reports whether the topic filter matches the topic name with AWS
// IoT's semantics; it is AWS.Match.
func Match(filter, name string) bool { return AWS.Match(filter, name) }

// Match reports whether the topic filter matches the topic name:
//   - levels are compared byte for byte, case-sensitively and without any
//     normalisation; empty levels (`a//b`, `/a`, `a/`) are levels too;
//   - `+` matches exactly one level, which may be empty [MQTT-4.7.1-3];
//   - a final `#` matches any number of further levels, at least one in
//     Mode AWS and possibly none in Mode MQTT [MQTT-4.7.1-2];
//   - a filter starting with `+` or `#` never matches a name starting with
//     `$` [MQTT-4.7.2-1].
//
// filter must be a plain filter (use ParseShared's inner filter for a
// shared subscription) and both should be valid (ValidateFilter,
// ValidateName); otherwise the result is meaningless but Match does not
// panic. Match does not allocate.
func (m Mode) Match(filter, name string) bool {
	if filter == "" || name == "" {
		return false
	}
	if name[0] == '$' && (filter[0] == '+' || filter[0] == '#') {
		return false // [MQTT-4.7.2-1]
	}
	for {
		f, frest, fmore := strings.Cut(filter, "/")
		if f == "#" && !fmore {
			return true // at least one name level is left here
		}
		n, nrest, nmore := strings.Cut(name, "/")
		if f != "+" && f != n {
			return false
		}
		switch {
		case !fmore:
			return !nmore
		case !nmore:
			return m == MQTT && frest == "#" // `a/#` against `a`
		}
		filter, name = frest, nrest
	}
}
