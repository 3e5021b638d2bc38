package policy

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// condValue is one policy value of a Condition, compiled for its
// operator's kind. Typed values (numbers, dates, booleans, addresses) are
// parsed once unless they hold a policy variable; then typed is false and
// they are parsed after substitution at evaluation.
type condValue struct {
	pat   pattern      // string kinds, and typed values with variables
	arn   []pattern    // kArn: the six ARN components, when the value has them
	typed bool         // the fields below are valid
	num   float64      // kNumeric
	when  time.Time    // kDate
	truth bool         // kBool, kNull
	net   netip.Prefix // kIP
}

// parseConditions validates a statement's Condition block: operator →
// condition key → value or values.
func parseConditions(raw json.RawMessage, path string, flags compileFlags) ([]Condition, error) {
	ops, err := objectFields(raw, path, nil)
	if err != nil {
		return nil, err
	}
	var out []Condition
	for _, o := range ops {
		op, err := parseOperator(o.name)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		opPath := path + "." + o.name
		keys, err := objectFields(o.value, opPath, nil)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("%s must name at least one condition key", opPath)
		}
		for _, k := range keys {
			c, err := parseCondition(op, o.name, k, fmt.Sprintf("%s[%q]", opPath, k.name), flags)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func parseCondition(op operator, opName string, k field, path string, flags compileFlags) (Condition, error) {
	c := Condition{Operator: opName, Key: k.name, op: op}
	if strings.TrimSpace(k.name) == "" {
		return c, fmt.Errorf("%s: the condition key must not be empty", path)
	}
	values, err := conditionValues(k.value, path)
	if err != nil {
		return c, err
	}
	c.Values = values
	c.values = make([]condValue, len(values))
	for i, v := range values {
		if c.values[i], err = compileValue(op.kind, v, flags); err != nil {
			return c, fmt.Errorf("%s: %v", path, err)
		}
	}
	return c, nil
}

// compileValue prepares policy value v for an operator of kind k.
func compileValue(k opKind, v string, flags compileFlags) (condValue, error) {
	var cv condValue
	switch k {
	case kString, kStringFold, kBinary:
		cv.pat = compile(v, flags)
		return cv, nil
	case kStringLike:
		cv.pat = compile(v, flags|withWildcards)
		return cv, nil
	case kArn:
		cv.pat = compile(v, flags|withWildcards)
		if parts := strings.SplitN(v, ":", 6); len(parts) == 6 {
			for _, p := range parts {
				cv.arn = append(cv.arn, compile(p, flags|withWildcards))
			}
		}
		return cv, nil
	}
	cv.pat = compile(v, flags)
	if cv.pat.hasVars() {
		return cv, nil // typed after substitution
	}
	if err := cv.parseTyped(k, v); err != nil {
		return cv, err
	}
	cv.typed = true
	return cv, nil
}

// parseTyped parses v as the typed value of kind k into cv.
func (cv *condValue) parseTyped(k opKind, v string) error {
	var ok bool
	switch k {
	case kNumeric:
		cv.num, ok = parseNumber(v)
		if !ok {
			return fmt.Errorf("%q is not a number", v)
		}
	case kDate:
		cv.when, ok = parseDate(v)
		if !ok {
			return fmt.Errorf("%q is not a date (want ISO 8601 such as 2024-01-31T12:00:00Z, or epoch seconds)", v)
		}
	case kBool, kNull:
		cv.truth, ok = parseBool(v)
		if !ok {
			return fmt.Errorf("%q is not true or false", v)
		}
	case kIP:
		cv.net, ok = parseCIDR(v)
		if !ok {
			return fmt.Errorf("%q is not an IP address or CIDR block", v)
		}
	}
	return nil
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// dateLayouts are the ISO 8601 forms accepted for Date* operators.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"}

// parseDate accepts ISO 8601 dates and integer epoch seconds, as IAM does.
func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseCIDR accepts a CIDR block or a single address (a /32 or /128).
func parseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// unmappedBits is p's length once an IPv4-mapped IPv6 prefix is unmapped.
func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(p.Bits()-96, 0)
	}
	return p.Bits()
}
