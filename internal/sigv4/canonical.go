package sigv4

import (
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// rawPath is the request path exactly as the client sent it, still escaped:
// from RequestURI for server requests (in origin form), otherwise from
// URL.EscapedPath. Never empty.
func rawPath(r *http.Request) string {
	p := ""
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ = strings.Cut(r.RequestURI, "?")
	} else if r.URL != nil {
		p = r.URL.EscapedPath()
	}
	if p == "" {
		return "/"
	}
	return p
}

// canonicalURIs lists the canonical URIs to try for the raw path, most
// likely first, without repeats (spec §5.2):
//  1. the escaped path escaped again, as AWS requires for every service but
//     S3 (`/topics/a%2Fb%20c` → `/topics/a%252Fb%2520c`) — aws-sdk-go-v2;
//  2. the escaped path as sent (single encoding) — S3-style signers;
//  3. dot segments and empty segments removed, then escaped again — botocore.
func canonicalURIs(raw string) []string {
	out := make([]string, 0, 3)
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(uriEncode(raw, true))
	add(raw)
	add(uriEncode(normalizePath(raw), true))
	return out
}

// normalizePath removes "." and ".." segments (RFC 3986 §5.2.4) and empty
// segments, keeping a leading and a trailing slash, as botocore does
// before signing.
func normalizePath(p string) string {
	var segs []string
	for s := range strings.SplitSeq(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
		}
	}
	out := "/" + strings.Join(segs, "/")
	if len(segs) > 0 && strings.HasSuffix(p, "/") {
		out += "/"
	}
	return out
}

// canonicalHeaders writes one "name:value\n" line per signed header, in the
// order the client listed them (SigV4 requires that order to be sorted; a
// client that did not sort signed an order it must reproduce). host comes
// from r.Host; repeated headers are joined with ','; every value is
// trimmed with inner whitespace runs collapsed to one space.
func canonicalHeaders(b *strings.Builder, r *http.Request, names []string) {
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, name) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(trimAll(v))
		}
		b.WriteByte('\n')
	}
}

// headerValues returns the values of the lower-case header name. Go's
// server moves Host, and with chunked bodies Transfer-Encoding, out of
// r.Header, so those come from the request's fields.
func headerValues(r *http.Request, name string) []string {
	switch name {
	case "host":
		if r.Host != "" {
			return []string{r.Host}
		}
		if r.URL != nil {
			return []string{r.URL.Host}
		}
		return nil
	}
	if vs := r.Header[textproto.CanonicalMIMEHeaderKey(name)]; vs != nil {
		return vs
	}
	if vs := r.Header[name]; vs != nil {
		return vs
	}
	switch {
	case name == "content-length" && r.ContentLength >= 0:
		return []string{strconv.FormatInt(r.ContentLength, 10)}
	case name == "transfer-encoding" && len(r.TransferEncoding) > 0:
		return []string{strings.Join(r.TransferEncoding, ",")}
	}
	return nil
}

// trimAll removes leading and trailing whitespace and collapses each inner
// run of whitespace to a single space (SigV4 "Trimall"; botocore's
// ' '.join(value.split())).
func trimAll(v string) string {
	if !needsTrim(v) {
		return v
	}
	return strings.Join(strings.Fields(v), " ")
}

func needsTrim(v string) bool {
	if v == "" {
		return false
	}
	if isSpace(v[0]) || isSpace(v[len(v)-1]) {
		return true
	}
	for i := 1; i < len(v); i++ {
		if isSpace(v[i]) && (v[i] != ' ' || isSpace(v[i-1])) {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
