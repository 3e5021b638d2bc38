package eval

import (
	"regexp"
	"strings"
	"sync"
)

// Regular expressions are Go's RE2, not Java's (spec §8.2): no
// back-references, no look-around. An invalid pattern is Undefined.

// regexpCache holds compiled patterns; rules mostly use literal patterns,
// so it stays small. It is bounded: past regexpCacheMax patterns it is
// dropped and refilled.
var regexpCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

const regexpCacheMax = 1024

func compileRegexp(pattern string) (*regexp.Regexp, bool) {
	regexpCache.Lock()
	defer regexpCache.Unlock()
	if re, ok := regexpCache.m[pattern]; ok {
		return re, re != nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		re = nil
	}
	if regexpCache.m == nil || len(regexpCache.m) >= regexpCacheMax {
		regexpCache.m = make(map[string]*regexp.Regexp)
	}
	regexpCache.m[pattern] = re
	return re, re != nil
}

// fnRegexpMatches: true when the pattern matches anywhere in s.
func fnRegexpMatches(_ *evalCtx, s []string) Value {
	re, ok := compileRegexp(s[1])
	if !ok {
		return Undefined
	}
	return Bool(re.MatchString(s[0]))
}

// fnRegexpReplace replaces every match; the replacement's $1 refers to a
// group as in Java.
func fnRegexpReplace(_ *evalCtx, s []string) Value {
	re, ok := compileRegexp(s[1])
	if !ok {
		return Undefined
	}
	return String(re.ReplaceAllString(s[0], javaReplacement(s[2])))
}

// fnRegexpSubstr is the first match; "" when there is none.
func fnRegexpSubstr(_ *evalCtx, s []string) Value {
	re, ok := compileRegexp(s[1])
	if !ok {
		return Undefined
	}
	return String(re.FindString(s[0]))
}

// javaReplacement turns Java's replacement syntax ($1, \$) into Go's
// (${1}, $$): in Go "$1x" would name a group "1x".
func javaReplacement(r string) string {
	if !strings.ContainsAny(r, `$\`) {
		return r
	}
	var sb strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '\\' && i+1 < len(r):
			i++
			if r[i] == '$' {
				sb.WriteString("$$")
			} else {
				sb.WriteByte(r[i])
			}
		case c == '$' && i+1 < len(r) && r[i+1] >= '0' && r[i+1] <= '9':
			j := i + 1
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			sb.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		case c == '$':
			sb.WriteString("$$")
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
