package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/sigv4"
)

// internal/sigv4 verifies signatures; the console is hob's only signer, so
// the few signing steps live here, built on sigv4.SigningKey (spec §5.2,
// §5.3).

const (
	amzDateLayout = "20060102T150405Z"
	// emptySHA256 is the hex SHA-256 of an empty payload.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// credential is the key a request is signed with.
type credential struct{ id, secret string }

// signing is one signature's inputs shared by both forms.
type signing struct {
	cred             credential
	region, service  string
	now              time.Time
	method, host     string
	escapedPath      string // the path as sent, still escaped
	canonicalQuery   string
	canonicalHeaders string // "name:value\n" lines
	signedHeaders    string
	payloadHash      string
}

func (s signing) date() string { return s.now.UTC().Format(amzDateLayout) }
func (s signing) scope() string {
	return s.now.UTC().Format("20060102") + "/" + s.region + "/" + s.service + "/aws4_request"
}
func (s signing) credentialScope() string { return s.cred.id + "/" + s.scope() }

// signature computes the hex signature. The canonical URI is the escaped
// path escaped again, as AWS requires for every service but S3.
func (s signing) signature() string {
	canonical := strings.Join([]string{s.method, uriEncode(s.escapedPath, true), s.canonicalQuery,
		s.canonicalHeaders, s.signedHeaders, s.payloadHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigv4.Algorithm + "\n" + s.date() + "\n" + s.scope() + "\n" + hex.EncodeToString(sum[:])
	key := sigv4.SigningKey(s.cred.secret, s.now.UTC().Format("20060102"), s.region, s.service)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(toSign))
	return hex.EncodeToString(m.Sum(nil))
}

// headerSignature returns the Authorization, X-Amz-Date and
// X-Amz-Content-Sha256 values for a request with the given parts, signing
// host and those two headers.
func headerSignature(s signing, rawQuery string, body []byte) (authz, amzDate, payload string, err error) {
	s.canonicalQuery, err = canonicalQuery(rawQuery)
	if err != nil {
		return "", "", "", err
	}
	sum := sha256.Sum256(body)
	s.payloadHash = hex.EncodeToString(sum[:])
	s.canonicalHeaders = "host:" + s.host + "\nx-amz-content-sha256:" + s.payloadHash + "\nx-amz-date:" + s.date() + "\n"
	s.signedHeaders = "host;x-amz-content-sha256;x-amz-date"
	authz = sigv4.Algorithm + " Credential=" + s.credentialScope() + ", SignedHeaders=" + s.signedHeaders +
		", Signature=" + s.signature()
	return authz, s.date(), s.payloadHash, nil
}

// presignQuery returns the query string of a presigned GET of path on
// host, valid for expires, with an empty payload as MQTT over WebSocket
// signs it (spec §5.3).
func presignQuery(s signing, expires time.Duration) string {
	s.method = "GET"
	q := url.Values{
		"X-Amz-Algorithm":     {sigv4.Algorithm},
		"X-Amz-Credential":    {s.credentialScope()},
		"X-Amz-Date":          {s.date()},
		"X-Amz-Expires":       {strconv.Itoa(int(expires / time.Second))},
		"X-Amz-SignedHeaders": {"host"},
	}
	s.canonicalQuery = encodeSorted(q)
	s.canonicalHeaders = "host:" + s.host + "\n"
	s.signedHeaders = "host"
	s.payloadHash = emptySHA256
	return s.canonicalQuery + "&X-Amz-Signature=" + s.signature()
}

// canonicalQuery is SigV4's canonical form of a raw query string: each
// key and value decoded, then RFC 3986-encoded, pairs sorted.
func canonicalQuery(raw string) (string, error) {
	var ps [][2]string
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return "", err
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return "", err
		}
		ps = append(ps, [2]string{uriEncode(dk, false), uriEncode(dv, false)})
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i][0] != ps[j][0] {
			return ps[i][0] < ps[j][0]
		}
		return ps[i][1] < ps[j][1]
	})
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, "&"), nil
}

// encodeSorted encodes q in canonical order.
func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, uriEncode(k, false)+"="+uriEncode(v, false))
		}
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes every byte outside RFC 3986's unreserved set,
// uppercase hex; '/' is kept when keepSlash. It duplicates sigv4's
// unexported encoder, which must produce the same bytes.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
