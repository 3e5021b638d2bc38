package topic

import "strings"

// sharePrefix starts every shared subscription [MQTT-4.8.2-1]. It is
// case-sensitive: `$SHARE/g/x` is an ordinary filter.
const sharePrefix = "$share/"

// ParseShared splits a shared subscription `$share/{ShareName}/{filter}`
// into its ShareName (group) and topic filter (inner), with ok true. A
// filter that does not start with `$share/` is not shared: ParseShared
// returns ok false, inner equal to filter and no error, so callers can
// use inner either way.
//
// err, an *Error, is set when filter starts with `$share/` but the
// ShareName is empty [MQTT-4.8.2-1] or contains `+` or `#` (ErrShareName),
// or it is not followed by `/` and a non-empty filter (ErrNoSharedFilter)
// [MQTT-4.8.2-2]. ParseShared checks nothing else: ValidateFilter checks
// the inner filter and the limits. It does not allocate on success.
//
// The MQTT 5 syntax is accepted on MQTT 3.1.1 connections too, as AWS IoT
// does (spec §4.8).
func ParseShared(filter string) (group, inner string, ok bool, err error) {
	if !strings.HasPrefix(filter, sharePrefix) {
		return "", filter, false, nil
	}
	rest := filter[len(sharePrefix):]
	slash := strings.IndexByte(rest, '/')
	switch {
	case slash == 0 || rest == "":
		return "", "", true, shareError(filter, len(sharePrefix), ErrShareName, "empty")
	case slash < 0:
		return "", "", true, shareError(filter, len(filter), ErrNoSharedFilter, "")
	}
	group, inner = rest[:slash], rest[slash+1:]
	if i := strings.IndexAny(group, "+#"); i >= 0 {
		return "", "", true, shareError(filter, len(sharePrefix)+i, ErrShareName, "contains "+group[i:i+1])
	}
	if inner == "" {
		return "", "", true, shareError(filter, len(filter), ErrNoSharedFilter, "")
	}
	return group, inner, true, nil
}

// shareError builds the *Error of a malformed shared subscription.
func shareError(filter string, off int, err error, detail string) error {
	return &Error{Topic: filter, Filter: true, Offset: off, Err: err, Detail: detail}
}
