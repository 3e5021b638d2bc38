package sigv4

import (
	"net/url"
	"sort"
	"strings"
)

// param is one query parameter, percent-decoded.
type param struct{ key, value string }

// parseQuery splits a raw query string into decoded parameters, in order.
// '+' decodes to a space, as in HTML forms; a parameter without '=' has an
// empty value; empty pieces ("a=1&&b=2") are skipped. Bad percent-escapes
// are malformed, since no canonical form can be built from them.
func parseQuery(raw string) ([]param, error) {
	if raw == "" {
		return nil, nil
	}
	ps := make([]param, 0, strings.Count(raw, "&")+1)
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, fail(ErrMalformed, "The query string is not validly percent-encoded.")
		}
		ps = append(ps, param{dk, dv})
	}
	return ps, nil
}

// canonicalQuery is the SigV4 canonical query string of ps, leaving out
// the parameters for which skip returns true: each key and value
// RFC 3986-encoded (uppercase hex, space as %20), pairs sorted by encoded
// key then encoded value, "key=" for empty values, joined with '&'.
func canonicalQuery(ps []param, skip func(key string) bool) string {
	enc := make([]param, 0, len(ps))
	for _, p := range ps {
		if skip != nil && skip(p.key) {
			continue
		}
		enc = append(enc, param{uriEncode(p.key, false), uriEncode(p.value, false)})
	}
	sort.Slice(enc, func(i, j int) bool {
		if enc[i].key != enc[j].key {
			return enc[i].key < enc[j].key
		}
		return enc[i].value < enc[j].value
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// uriEncode percent-encodes every byte of s outside RFC 3986's unreserved
// set (A-Z a-z 0-9 - . _ ~), with uppercase hex; '/' is kept when keepSlash.
func uriEncode(s string, keepSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
