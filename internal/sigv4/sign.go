package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Signing: the other half of the Verifier, for the places where hob signs
// a request itself (the console's proxy to the API, presigned MQTT
// WebSocket URLs). AWS's algorithm as the Verifier checks it (spec §5.2,
// §5.3); the canonical URI is the escaped path escaped again, as for
// every service but S3.

// Request is what a signature covers.
type Request struct {
	AccessKeyID, SecretAccessKey string
	Region, Service              string
	Time                         time.Time
	Method, Host                 string
	EscapedPath                  string // the path as sent, still escaped
}

// SignHeaders signs r with rawQuery and body in the header form, over the
// headers host, x-amz-content-sha256 and x-amz-date, and returns the
// values of Authorization, X-Amz-Date and X-Amz-Content-Sha256. A query
// string that is not validly percent-encoded is an error.
func SignHeaders(r Request, rawQuery string, body []byte) (authorization, amzDate, payloadHash string, err error) {
	ps, err := parseQuery(rawQuery)
	if err != nil {
		return "", "", "", err
	}
	sum := sha256.Sum256(body)
	payloadHash = hex.EncodeToString(sum[:])
	amzDate = r.Time.UTC().Format(amzDateLayout)
	headers := "host:" + r.Host + "\nx-amz-content-sha256:" + payloadHash + "\nx-amz-date:" + amzDate + "\n"
	const signed = "host;x-amz-content-sha256;x-amz-date"
	sig := r.signature(canonicalQuery(ps, nil), headers, signed, payloadHash)
	authorization = Algorithm + " Credential=" + r.AccessKeyID + "/" + r.scope() + ", SignedHeaders=" + signed +
		", Signature=" + sig
	return authorization, amzDate, payloadHash, nil
}

// PresignGET returns the query string of a presigned GET of r, valid for
// expires, over the host header and an empty payload, as MQTT over
// WebSocket is signed (spec §5.3). r.Method is ignored.
func PresignGET(r Request, expires time.Duration) string {
	r.Method = "GET"
	q := url.Values{
		qAlgorithm:     {Algorithm},
		qCredential:    {r.AccessKeyID + "/" + r.scope()},
		qDate:          {r.Time.UTC().Format(amzDateLayout)},
		qExpires:       {strconv.Itoa(int(expires / time.Second))},
		qSignedHeaders: {"host"},
	}
	ps := make([]param, 0, len(q))
	for k, vs := range q {
		ps = append(ps, param{k, vs[0]})
	}
	query := canonicalQuery(ps, nil)
	return query + "&" + qSignature + "=" + r.signature(query, "host:"+r.Host+"\n", "host", emptySHA256)
}

func (r Request) scope() string {
	return r.Time.UTC().Format("20060102") + "/" + r.Region + "/" + r.Service + "/aws4_request"
}

// signature is the hex signature of r with the given canonical parts.
func (r Request) signature(query, headers, signedHeaders, payloadHash string) string {
	canonical := strings.Join([]string{r.Method, uriEncode(r.EscapedPath, true), query, headers, signedHeaders, payloadHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := Algorithm + "\n" + r.Time.UTC().Format(amzDateLayout) + "\n" + r.scope() + "\n" + hex.EncodeToString(sum[:])
	m := hmac.New(sha256.New, SigningKey(r.SecretAccessKey, r.Time.UTC().Format("20060102"), r.Region, r.Service))
	m.Write([]byte(toSign))
	return hex.EncodeToString(m.Sum(nil))
}
