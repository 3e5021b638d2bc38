package eval

import (
	"strings"
	"unicode/utf8"
)

// stringFuncs are the string functions of spec §8.2. Arguments that are
// not Strings are converted to their string form first (§6.2); Null and
// Undefined arguments make the result Undefined. Indexes count
// characters (code points).
var stringFuncs = map[string]*funcDef{
	"concat":         {min: 0, max: -1, fn: fnConcat},
	"lower":          stringFunc(1, 1, false, func(_ *evalCtx, s []string) Value { return String(strings.ToLower(s[0])) }),
	"upper":          stringFunc(1, 1, false, func(_ *evalCtx, s []string) Value { return String(strings.ToUpper(s[0])) }),
	"trim":           stringFunc(1, 1, false, func(_ *evalCtx, s []string) Value { return String(strings.Trim(s[0], blanks)) }),
	"ltrim":          stringFunc(1, 1, false, func(_ *evalCtx, s []string) Value { return String(strings.TrimLeft(s[0], blanks)) }),
	"rtrim":          stringFunc(1, 1, false, func(_ *evalCtx, s []string) Value { return String(strings.TrimRight(s[0], blanks)) }),
	"lpad":           {min: 2, max: 2, fn: padFunc(true)},
	"rpad":           {min: 2, max: 2, fn: padFunc(false)},
	"substring":      {min: 2, max: 3, fn: fnSubstring},
	"replace":        stringFunc(3, 3, false, func(_ *evalCtx, s []string) Value { return String(strings.ReplaceAll(s[0], s[1], s[2])) }),
	"startswith":     stringFunc(2, 2, false, func(_ *evalCtx, s []string) Value { return Bool(strings.HasPrefix(s[0], s[1])) }),
	"endswith":       stringFunc(2, 2, false, func(_ *evalCtx, s []string) Value { return Bool(strings.HasSuffix(s[0], s[1])) }),
	"indexof":        stringFunc(2, 2, true, fnIndexof),
	"length":         stringFunc(1, 1, true, func(_ *evalCtx, s []string) Value { return Int(int64(utf8.RuneCountInString(s[0]))) }),
	"numbytes":       stringFunc(1, 1, true, func(_ *evalCtx, s []string) Value { return Int(int64(len(s[0]))) }),
	"chr":            {min: 1, max: 1, fn: fnChr},
	"regexp_matches": stringFunc(2, 2, false, fnRegexpMatches),
	"regexp_replace": stringFunc(3, 3, false, fnRegexpReplace),
	"regexp_substr":  stringFunc(2, 2, false, fnRegexpSubstr),
}

// blanks are what trim, ltrim and rtrim remove (spec §8.2: spaces and
// tabs; line breaks too, as Java's trim does).
const blanks = " \t\r\n"

// fnConcat: no argument is Undefined, one is returned unchanged; with an
// Array among them the result is one Array of every argument, arrays
// spliced in; otherwise the string forms joined (spec §8.2).
func fnConcat(c *evalCtx, a []Value) Value {
	switch len(a) {
	case 0:
		return Undefined
	case 1:
		return a[0]
	}
	for _, v := range a {
		if v.kind == KindArray {
			return concatArrays(a)
		}
	}
	var sb strings.Builder
	for _, v := range a {
		s, ok := toString(v)
		if !ok {
			return Undefined
		}
		sb.WriteString(s)
	}
	return String(sb.String())
}

func concatArrays(a []Value) Value {
	var out []Value
	for _, v := range a {
		if v.kind == KindArray {
			out = append(out, v.items()...)
		} else {
			out = append(out, v)
		}
	}
	return Array(out)
}

// padFunc is lpad(s, n) and rpad(s, n): s with n spaces before or after,
// n rounded down and clamped to 0..1000 (spec §8.2).
func padFunc(left bool) func(*evalCtx, []Value) Value {
	return func(c *evalCtx, a []Value) Value {
		s, ok := toString(a[0])
		n, ok2 := toInt64(a[1])
		if !ok || !ok2 {
			return Undefined
		}
		pad := strings.Repeat(" ", int(min(max(n, 0), 1000)))
		if left {
			return String(pad + s)
		}
		return String(s + pad)
	}
}

// fnSubstring is substring(s, start[, end]): 0-based, end exclusive,
// indexes rounded down and clamped to [0, length]; start ≥ end is ""
// (spec §8.2).
func fnSubstring(c *evalCtx, a []Value) Value {
	s, ok := toString(a[0])
	start, ok2 := toInt64(a[1])
	if !ok || !ok2 {
		return Undefined
	}
	runes := []rune(s)
	end := int64(len(runes))
	if len(a) == 3 {
		if end, ok = toInt64(a[2]); !ok {
			return Undefined
		}
	}
	start = min(max(start, 0), int64(len(runes)))
	end = min(max(end, 0), int64(len(runes)))
	if start >= end {
		return String("")
	}
	return String(string(runes[start:end]))
}

// fnIndexof is the 0-based character index of the first sub in s, -1 when
// absent.
func fnIndexof(_ *evalCtx, s []string) Value {
	i := strings.Index(s[0], s[1])
	if i < 0 {
		return Int(-1)
	}
	return Int(int64(utf8.RuneCountInString(s[0][:i])))
}

// fnChr is the character of a code point; Undefined outside Unicode.
func fnChr(c *evalCtx, a []Value) Value {
	n, ok := toInt64(a[0])
	if !ok || n < 0 || n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
		return Undefined
	}
	return String(string(rune(n)))
}
