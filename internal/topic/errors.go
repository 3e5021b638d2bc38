package topic

import (
	"errors"
	"fmt"
)

// Sentinel errors. Validation returns an *Error that wraps exactly one of
// them, so callers can test with errors.Is and read the position from the
// *Error with errors.As.
var (
	// ErrEmpty: topic names and filters are at least one character long
	// [MQTT-4.7.3-1].
	ErrEmpty = errors.New("must not be empty")
	// ErrTooLong: longer than Limits.MaxBytes or MaxMQTTBytes [MQTT-4.7.3-3].
	ErrTooLong = errors.New("too long")
	// ErrTooManySlashes: more `/` than Limits.MaxSlashes (AWS, spec §4.7).
	ErrTooManySlashes = errors.New("too many levels")
	// ErrInvalidUTF8: not well-formed UTF-8, or a UTF-16 surrogate
	// [MQTT-1.5.4-1] (MQTT 3.1.1: [MQTT-1.5.3-1]).
	ErrInvalidUTF8 = errors.New("not valid UTF-8")
	// ErrNullChar: contains U+0000 [MQTT-4.7.3-2].
	ErrNullChar = errors.New("contains U+0000")
	// ErrWildcardInName: a topic name contains `+` or `#`
	// [MQTT-3.3.2-2] [MQTT-4.7.1-1].
	ErrWildcardInName = errors.New("topic names must not contain wildcards")
	// ErrMultiLevelWildcard: `#` is not alone in the last level of a filter
	// [MQTT-4.7.1-2].
	ErrMultiLevelWildcard = errors.New("'#' must be alone in the last level")
	// ErrSingleLevelWildcard: `+` shares its level with other characters
	// [MQTT-4.7.1-3].
	ErrSingleLevelWildcard = errors.New("'+' must be alone in its level")
	// ErrShareName: the ShareName of `$share/{ShareName}/{filter}` is
	// empty [MQTT-4.8.2-1], contains `+` or `#` [MQTT-4.8.2-2], or is
	// longer than Limits.MaxShareNameBytes (AWS, spec §4.8).
	ErrShareName = errors.New("invalid share name")
	// ErrNoSharedFilter: a `$share/{ShareName}` is not followed by `/` and
	// a topic filter [MQTT-4.8.2-2].
	ErrNoSharedFilter = errors.New("shared subscription has no topic filter")
)

// Error reports an invalid topic name or filter: which rule it breaks
// (Err, one of the sentinels) and where (Offset).
type Error struct {
	// Topic is the name or filter as given.
	Topic string
	// Filter tells a topic filter from a topic name.
	Filter bool
	// Offset is the byte offset in Topic where the fault was found: the
	// offending character, the first byte past a length limit, or the
	// slash that exceeds the slash limit.
	Offset int
	// Err is one of the package's sentinel errors.
	Err error
	// Detail adds numbers or the offending character; it may be empty.
	Detail string
}

// maxQuoted bounds how much of the topic an error message quotes.
const maxQuoted = 64

// Error formats e as `topic filter "a/b#": '#' must be alone in the last
// level (at byte 3)`.
func (e *Error) Error() string {
	what := "topic name"
	if e.Filter {
		what = "topic filter"
	}
	t := e.Topic
	if len(t) > maxQuoted {
		t = t[:maxQuoted] + "..."
	}
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return fmt.Sprintf("%s %q: %s (at byte %d)", what, t, msg, e.Offset)
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// sizeError builds an Error for a limit; the caller fills Topic and Filter.
func sizeError(err error, off, got, limit int, unit string) *Error {
	return &Error{Offset: off, Err: err, Detail: fmt.Sprintf("%d %s, limit %d", got, unit, limit)}
}
