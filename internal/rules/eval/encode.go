package eval

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends v as compact JSON (spec §5: output serialization is
// compact JSON, keys in order [verified]). Undefined items of arrays and
// objects are left out [doc]; a top-level Undefined appends nothing (it
// serialises to the empty string). Binary appends the raw bytes.
func AppendJSON(buf []byte, v Value) []byte {
	switch v.kind {
	case KindUndefined:
		return buf
	case KindNull:
		return append(buf, "null"...)
	case KindBool:
		return strconv.AppendBool(buf, v.num == 1)
	case KindInt:
		if v.bigInt() != nil {
			return v.bigInt().Append(buf, 10)
		}
		return strconv.AppendInt(buf, int64(v.num), 10)
	case KindDecimal:
		return appendDecimal(buf, v)
	case KindString:
		return appendQuoted(buf, v.str)
	case KindArray:
		return appendArray(buf, v.items())
	case KindObject:
		return appendObject(buf, v.object())
	case KindBinary:
		return append(buf, v.str...)
	}
	return buf
}

func appendArray(buf []byte, items []Value) []byte {
	buf = append(buf, '[')
	first := true
	for _, it := range items {
		if it.kind == KindUndefined {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = AppendJSON(buf, it)
	}
	return append(buf, ']')
}

func appendObject(buf []byte, o *Object) []byte {
	buf = append(buf, '{')
	first := true
	for _, f := range o.fields {
		if f.val.kind == KindUndefined {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendQuoted(buf, f.key)
		buf = append(buf, ':')
		buf = AppendJSON(buf, f.val)
	}
	return append(buf, '}')
}

// appendDecimal prints a Decimal: its source text when it has one, else the
// shortest text that reads back as the same double. A whole computed
// Decimal prints as 5.0 (it exists only under 2015-10-08, which keeps
// decimals as decimals [verified: cast(5.0 as double) → 5.0]). Magnitudes
// outside [1e-7, 1e21) use an exponent, as Java's BigDecimal would;
// NaN and infinities, which JSON cannot carry, print as null.
func appendDecimal(buf []byte, v Value) []byte {
	if v.str != "" {
		return append(buf, v.str...)
	}
	f := math.Float64frombits(v.num)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-7 || a >= 1e21) {
		return strconv.AppendFloat(buf, f, 'E', -1, 64)
	}
	buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
	if f == math.Trunc(f) {
		buf = append(buf, ".0"...)
	}
	return buf
}

const hexDigits = "0123456789abcdef"

// appendQuoted appends s as a JSON string: quotes, backslashes and control
// characters escaped, other characters as UTF-8 (invalid bytes become
// U+FFFD).
func appendQuoted(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = appendEscape(buf, c)
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

func appendEscape(buf []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(buf, '\\', c)
	case '\n':
		return append(buf, '\\', 'n')
	case '\r':
		return append(buf, '\\', 'r')
	case '\t':
		return append(buf, '\\', 't')
	case '\b':
		return append(buf, '\\', 'b')
	case '\f':
		return append(buf, '\\', 'f')
	}
	return append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
