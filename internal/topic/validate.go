package topic

import (
	"fmt"
	"unicode/utf8"
)

// ValidateName checks a topic name as a PUBLISH (or a will, or an HTTP
// publish) carries it: not empty [MQTT-4.7.3-1], no wildcards
// [MQTT-3.3.2-2], well-formed UTF-8 [MQTT-1.5.4-1] without U+0000
// [MQTT-4.7.3-2], within MaxMQTTBytes [MQTT-4.7.3-3] and lim. The error is
// an *Error wrapping one of the Err* sentinels.
//
// ValidateName does not decide who may use a reserved `$...` topic: that is
// the broker's and the policy's business (spec §4.7). It allocates only
// when it fails.
func ValidateName(name string, lim Limits) error {
	if name == "" {
		return &Error{Topic: name, Err: ErrEmpty}
	}
	if e := checkSize(name, 0, lim); e != nil {
		return e.with(name, false)
	}
	if e := scanName(name, 0); e != nil {
		return e.with(name, false)
	}
	return nil
}

// ValidateFilter checks a topic filter as a SUBSCRIBE (or an UNSUBSCRIBE, or
// a rule's FROM clause) carries it: the rules of ValidateName except that
// `#` may stand alone in the last level [MQTT-4.7.1-2] and `+` alone in any
// level [MQTT-4.7.1-3]. A shared subscription `$share/{ShareName}/{filter}`
// must also satisfy ParseShared; then lim.MaxBytes and lim.MaxSlashes
// apply to its inner filter only and lim.MaxShareNameBytes to its
// ShareName (spec §4.8). The error is an *Error wrapping one of the Err*
// sentinels, with offsets into filter.
func ValidateFilter(filter string, lim Limits) error {
	if len(filter) > MaxMQTTBytes {
		return &Error{Topic: filter, Filter: true, Offset: MaxMQTTBytes, Err: ErrTooLong,
			Detail: fmt.Sprintf("%d bytes, limit %d", len(filter), MaxMQTTBytes)}
	}
	group, inner, shared, err := ParseShared(filter)
	if err != nil {
		return err
	}
	base := 0
	if shared {
		if e := checkShareName(group, lim); e != nil {
			return e.with(filter, true)
		}
		base = len(filter) - len(inner)
	}
	return validateInner(filter, inner, base, lim)
}

// validateInner checks inner, the part of filter at offset base that is a
// plain topic filter.
func validateInner(filter, inner string, base int, lim Limits) error {
	if inner == "" {
		return &Error{Topic: filter, Filter: true, Offset: base, Err: ErrEmpty}
	}
	if e := checkSize(inner, base, lim); e != nil {
		return e.with(filter, true)
	}
	if e := scanFilter(inner, base); e != nil {
		return e.with(filter, true)
	}
	return nil
}

// checkShareName applies MaxShareNameBytes and the character rules of
// names to a ShareName that ParseShared accepted.
func checkShareName(group string, lim Limits) *Error {
	if lim.MaxShareNameBytes > 0 && len(group) > lim.MaxShareNameBytes {
		return sizeError(ErrShareName, len(sharePrefix)+lim.MaxShareNameBytes,
			len(group), lim.MaxShareNameBytes, "bytes")
	}
	return scanName(group, len(sharePrefix))
}

// scanName checks every character of a topic name: no wildcard, no
// U+0000, valid UTF-8. base is s's offset in the caller's string.
func scanName(s string, base int) *Error {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			n, e := checkRune(s, i, base)
			if e != nil {
				return e
			}
			i += n
			continue
		}
		switch c {
		case '+', '#':
			return &Error{Offset: base + i, Err: ErrWildcardInName, Detail: fmt.Sprintf("%q", c)}
		case 0:
			return &Error{Offset: base + i, Err: ErrNullChar}
		}
		i++
	}
	return nil
}

// scanFilter checks every character of a topic filter: wildcards alone in
// their level, `#` last, no U+0000, valid UTF-8.
func scanFilter(s string, base int) *Error {
	start := 0 // where the current level starts
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			n, e := checkRune(s, i, base)
			if e != nil {
				return e
			}
			i += n
			continue
		}
		switch {
		case c == '/':
			start = i + 1
		case c == '#' && (i != start || i != len(s)-1):
			return &Error{Offset: base + i, Err: ErrMultiLevelWildcard} // [MQTT-4.7.1-2]
		case c == '+' && (i != start || (i+1 < len(s) && s[i+1] != '/')):
			return &Error{Offset: base + i, Err: ErrSingleLevelWildcard} // [MQTT-4.7.1-3]
		case c == 0:
			return &Error{Offset: base + i, Err: ErrNullChar} // [MQTT-4.7.3-2]
		}
		i++
	}
	return nil
}

// checkRune decodes the non-ASCII character at s[i] and returns its size,
// or an error if it is not well-formed UTF-8. Go's decoder also rejects
// surrogates and overlong forms, as [MQTT-1.5.4-1] requires.
func checkRune(s string, i, base int) (int, *Error) {
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n <= 1 {
		return 0, &Error{Offset: base + i, Err: ErrInvalidUTF8, Detail: fmt.Sprintf("byte 0x%02x", s[i])}
	}
	return n, nil
}

// with fills in what the low-level checks do not know.
func (e *Error) with(topic string, filter bool) *Error {
	e.Topic, e.Filter = topic, filter
	return e
}
