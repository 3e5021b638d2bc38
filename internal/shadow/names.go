package shadow

import (
	"net/http"
	"strings"
)

// Name rules of spec §1.1 (botocore iot-data model).
const (
	maxThingName  = 128
	maxShadowName = 64
)

// nameChar reports whether c may appear in a thing or shadow name:
// [a-zA-Z0-9:_-].
func nameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == ':' || c == '_' || c == '-'
}

// validName reports whether s is 1 to max characters of nameChar, and, if
// dollar, also '$'.
func validName(s string, maxLen int, dollar bool) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameChar(s[i]) && !(dollar && s[i] == '$') {
			return false
		}
	}
	return true
}

// checkNames returns a 400 *Error when thing, or name unless it is ""
// (the classic shadow), breaks the rules of spec §1.1. Shadow names from the
// HTTP API may hold '$' (dollar); names in topics may not.
func checkNames(thing, name string, dollar bool) *Error {
	if !validName(thing, maxThingName, false) {
		return errorf(http.StatusBadRequest, "Invalid thing name: %q must be 1 to %d characters of [a-zA-Z0-9:_-]", thing, maxThingName)
	}
	if name != "" && !validName(name, maxShadowName, dollar) {
		allowed := "[a-zA-Z0-9:_-]"
		if dollar {
			allowed = "[$a-zA-Z0-9:_-]"
		}
		return errorf(http.StatusBadRequest, "Invalid shadow name: %q must be 1 to %d characters of %s", name, maxShadowName, allowed)
	}
	return nil
}

// shadowKey is the store key of a shadow: thing, NUL, shadow name ("" for
// the classic shadow), so one thing's shadows are one prefix scan.
func shadowKey(thing, name string) string { return thing + "\x00" + name }

// notFound is AWS's 404 for a missing shadow (spec §1.7): the thing name
// for the classic shadow; for a named one "thing~shadow", as a field
// report of the real service shows [trace].
func notFound(thing, name, token string) *Error {
	what := thing
	if name != "" {
		what = thing + "~" + name
	}
	return &Error{Code: http.StatusNotFound, Message: "No shadow exists with name: '" + what + "'", ClientToken: token}
}

// topicPrefix is P of spec §1.2: $aws/things/T/shadow[/name/N].
func topicPrefix(thing, name string) string {
	var b strings.Builder
	b.WriteString("$aws/things/")
	b.WriteString(thing)
	b.WriteString("/shadow")
	if name != "" {
		b.WriteString("/name/")
		b.WriteString(name)
	}
	return b.String()
}
