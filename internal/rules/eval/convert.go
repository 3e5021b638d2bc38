package eval

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the implicit conversions of spec §6.2, used when a
// function or operator gets a value of the wrong type. There are never
// implicit conversions to Array, Object, Null or Undefined.

// isNumericText reports whether s matches ^-?\d+(\.\d+)?((?i)E-?\d+)?$,
// AWS's test for String → Decimal (§6.2): no '+', no ".5", no "5.", no
// spaces, no hex.
func isNumericText(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && s[i] == '-' {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// toNumber converts v to an Int or Decimal (§6.2 "to Decimal"): numbers
// pass, numeric Strings become Decimals, everything else fails.
func toNumber(v Value) (Value, bool) {
	switch v.kind {
	case KindInt, KindDecimal:
		return v, true
	case KindString:
		if !isNumericText(v.str) {
			return Undefined, false
		}
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil || math.IsInf(f, 0) {
			return Undefined, false
		}
		return decimalText(f, v.str), true
	}
	return Undefined, false
}

// toFloat converts v to a double (§6.2 "to Decimal", then double
// precision as the (d) functions of §8.1 do).
func toFloat(v Value) (float64, bool) {
	n, ok := toNumber(v)
	if !ok {
		return 0, false
	}
	return n.AsFloat(), true
}

// toInt converts v to an Int (§6.2 "to Int"): Decimals and numeric
// Strings are rounded toward zero (spec §13 item 8: "rounded down" is
// Java's RoundingMode.DOWN; String → Int "truncates").
func toInt(v Value) (Value, bool) {
	n, ok := toNumber(v)
	if !ok {
		return Undefined, false
	}
	if n.kind == KindInt {
		return n, true
	}
	f := n.AsFloat()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Undefined, false
	}
	return truncInt(f), true
}

// toInt64 is toInt clamped to the int64 range, for indexes and counts.
func toInt64(v Value) (int64, bool) {
	n, ok := toInt(v)
	if !ok {
		return 0, false
	}
	if n.bigInt() != nil {
		if n.bigInt().Sign() < 0 {
			return math.MinInt64, true
		}
		return math.MaxInt64, true
	}
	return int64(n.num), true
}

// toBool converts v to a Boolean (§6.2 "to Boolean"): Booleans, and the
// Strings "true" and "false" in any case.
func toBool(v Value) (bool, bool) {
	switch v.kind {
	case KindBool:
		return v.num == 1, true
	case KindString:
		switch {
		case strings.EqualFold(v.str, "true"):
			return true, true
		case strings.EqualFold(v.str, "false"):
			return false, true
		}
	}
	return false, false
}

// toString converts v to a String (§6.2 "to String"): numbers print as
// they serialise, Booleans as true/false, Arrays and Objects as JSON text;
// Null and Undefined fail. A Binary payload converts when it is UTF-8.
func toString(v Value) (string, bool) {
	switch v.kind {
	case KindString:
		return v.str, true
	case KindBool:
		return strconv.FormatBool(v.num == 1), true
	case KindInt, KindDecimal, KindArray, KindObject:
		return string(AppendJSON(nil, v)), true
	case KindBinary:
		return v.str, utf8.ValidString(v.str)
	}
	return "", false
}
