package eval

import (
	"errors"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

var errSyntax = errors.New("eval: invalid JSON")

// ParseJSON decodes JSON text into a Value, keeping object key order and the
// text of each number, which decides Int (no '.', no exponent) or Decimal
// (spec §6.1). Under 2016-03-23 (v2) a whole-number decimal such as 10.0
// becomes the Int 10 [doc]. It fails on anything but exactly one JSON value
// surrounded by optional whitespace.
func ParseJSON(data []byte, v2 bool) (Value, error) {
	return parseJSONString(string(data), v2)
}

func parseJSONString(s string, v2 bool) (Value, error) {
	d := decoder{s: s, v2: v2}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return Undefined, err
	}
	d.space()
	if d.i != len(d.s) {
		return Undefined, errSyntax
	}
	return v, nil
}

// maxDepth bounds nesting so a hostile payload cannot exhaust the stack.
const maxDepth = 512

type decoder struct {
	s  string
	i  int
	v2 bool
}

func (d *decoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (Value, error) {
	if d.i >= len(d.s) || depth > maxDepth {
		return Undefined, errSyntax
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, err := d.str()
		return String(s), err
	case c == '-' || (c >= '0' && c <= '9'):
		if n, ok := d.shortInt(); ok {
			return Int(n), nil
		}
		return d.number()
	}
	return d.literal()
}

// into decodes one value into *dst. Strings and short integers, the
// common members, are written in place rather than returned through value.
func (d *decoder) into(dst *Value, depth int) error {
	if d.i < len(d.s) && depth <= maxDepth {
		switch c := d.s[d.i]; {
		case c == '"':
			s, err := d.str()
			*dst = Value{kind: KindString, str: s}
			return err
		case c == '-' || (c >= '0' && c <= '9'):
			if n, ok := d.shortInt(); ok {
				*dst = Value{kind: KindInt, num: uint64(n)}
				return nil
			}
		}
	}
	v, err := d.value(depth)
	*dst = v
	return err
}

// literal reads true, false or null.
func (d *decoder) literal() (Value, error) {
	for _, lit := range [...]struct {
		text string
		v    Value
	}{{"true", Bool(true)}, {"false", Bool(false)}, {"null", Null}} {
		if len(d.s)-d.i >= len(lit.text) && d.s[d.i:d.i+len(lit.text)] == lit.text {
			d.i += len(lit.text)
			return lit.v, nil
		}
	}
	return Undefined, errSyntax
}

func (d *decoder) object(depth int) (Value, error) {
	o := NewObject(4)
	if err := d.members(o, depth, nil); err != nil {
		return Undefined, err
	}
	return ObjectValue(o), nil
}

// members reads an object from its '{'. A member is decoded into o when o
// is not nil and keys is nil or holds its key; the others are only
// validated (see skip), so the outcome is the same as decoding them.
func (d *decoder) members(o *Object, depth int, keys *keySet) error {
	d.i++ // {
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return errSyntax
		}
		k, err := d.str()
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return errSyntax
		}
		d.i++
		d.space()
		if o != nil && (keys == nil || keys.has(k)) {
			if err := d.into(o.slot(k), depth+1); err != nil {
				return err
			}
		} else if err := d.skip(depth + 1); err != nil {
			return err
		}
		if done, err := d.next('}'); done || err != nil {
			return err
		}
	}
}

// next consumes ',' (false) or the closing byte (true) after an item.
func (d *decoder) next(closing byte) (bool, error) {
	d.space()
	if d.i >= len(d.s) {
		return false, errSyntax
	}
	switch d.s[d.i] {
	case ',':
		d.i++
		return false, nil
	case closing:
		d.i++
		return true, nil
	}
	return false, errSyntax
}

func (d *decoder) array(depth int) (Value, error) {
	d.i++ // [
	var items []Value
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return Array([]Value{}), nil
	}
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return Undefined, err
		}
		items = append(items, v)
		if done, err := d.next(']'); done || err != nil {
			return Array(items), err
		}
	}
}

// str reads a JSON string; without escapes it is a substring of the input.
func (d *decoder) str() (string, error) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], nil
		case c == '\\':
			return d.strEscaped(start)
		case c < 0x20:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func (d *decoder) strEscaped(start int) (string, error) {
	buf := make([]byte, 0, 16)
	for j := start; j < len(d.s); {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return string(buf), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			buf = append(buf, c)
			j++
			continue
		}
		if j+1 >= len(d.s) {
			return "", errSyntax
		}
		j += 2
		switch e := d.s[j-1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, n, ok := d.unicode(j)
			if !ok {
				return "", errSyntax
			}
			buf = utf8.AppendRune(buf, r)
			j += n
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

// unicode reads the 4 hex digits at j (after \u), and a low surrogate's
// \uXXXX after a high one; n is the number of bytes consumed.
func (d *decoder) unicode(j int) (r rune, n int, ok bool) {
	hex4 := func(j int) (rune, bool) {
		if j+4 > len(d.s) {
			return 0, false
		}
		u, err := strconv.ParseUint(d.s[j:j+4], 16, 32)
		return rune(u), err == nil
	}
	r, ok = hex4(j)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) && j+10 <= len(d.s) && d.s[j+4] == '\\' && d.s[j+5] == 'u' {
		if lo, ok := hex4(j + 6); ok {
			if c := utf16.DecodeRune(r, lo); c != utf8.RuneError {
				return c, 10, true
			}
		}
	}
	return r, 4, true
}

func (d *decoder) number() (Value, error) {
	start := d.i
	isInt, err := d.numberEnd()
	if err != nil {
		return Undefined, err
	}
	return numberValue(d.s[start:d.i], isInt, d.v2)
}

// shortInt reads the common number, an integer of at most 18 digits,
// which cannot overflow, in one pass; ok is false, and nothing is read,
// for any other number.
func (d *decoder) shortInt() (n int64, ok bool) {
	j := d.i
	neg := d.s[j] == '-'
	if neg {
		j++
	}
	start := j
	for ; j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9'; j++ {
		if j-start == 18 {
			return 0, false
		}
		n = n*10 + int64(d.s[j]-'0')
	}
	if j == start || (d.s[start] == '0' && j-start > 1) {
		return 0, false
	}
	if j < len(d.s) && (d.s[j] == '.' || d.s[j] == 'e' || d.s[j] == 'E') {
		return 0, false
	}
	if neg {
		n = -n
	}
	d.i = j
	return n, true
}

// numberEnd moves past a number's text and reports whether it is an
// integer (no fraction, no exponent).
func (d *decoder) numberEnd() (isInt bool, err error) {
	j := d.i
	if d.s[j] == '-' {
		j++
	}
	intStart := j
	for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
		j++
	}
	if j == intStart || (d.s[intStart] == '0' && j-intStart > 1) {
		return false, errSyntax
	}
	isInt = true
	if j < len(d.s) && d.s[j] == '.' {
		isInt = false
		j++
		fs := j
		for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
			j++
		}
		if j == fs {
			return false, errSyntax
		}
	}
	if j < len(d.s) && (d.s[j] == 'e' || d.s[j] == 'E') {
		isInt = false
		j++
		if j < len(d.s) && (d.s[j] == '+' || d.s[j] == '-') {
			j++
		}
		es := j
		for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
			j++
		}
		if j == es {
			return false, errSyntax
		}
	}
	d.i = j
	return isInt, nil
}

// numberValue makes the Int or Decimal of a number's text (JSON or a SQL
// literal). v2 turns whole decimals into Ints (spec §6.1).
func numberValue(text string, isInt, v2 bool) (Value, error) {
	if isInt {
		if i, ok := smallInt(text); ok {
			return Int(i), nil
		}
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return Int(i), nil
		}
		b, ok := new(big.Int).SetString(text, 10)
		if !ok {
			return Undefined, errSyntax
		}
		return BigInt(b), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return Undefined, errSyntax
	}
	if v2 {
		if iv, ok := wholeInt(f); ok {
			return iv, nil
		}
	}
	return decimalText(f, text), nil // beyond float64 only the text survives
}

// smallInt parses an optionally negative run of at most 18 digits, which
// cannot overflow, without strconv's generality.
func smallInt(text string) (int64, bool) {
	neg := len(text) > 0 && text[0] == '-'
	if neg {
		text = text[1:]
	}
	if len(text) == 0 || len(text) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
