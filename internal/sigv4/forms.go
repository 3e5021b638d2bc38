package sigv4

import (
	"net/http"
	"time"
)

// headerSigned reduces an Authorization-header request to its signed parts.
func headerSigned(r *http.Request, header string, body []byte) (signed, error) {
	a, err := ParseAuthorization(header)
	if err != nil {
		return signed{}, err
	}
	s := signed{auth: a, token: r.Header.Get("X-Amz-Security-Token")}
	if s.amzDate, s.date, err = requestDate(r); err != nil {
		return signed{}, withKey(err, a.Credential.AccessKeyID)
	}
	ps, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return signed{}, withKey(err, a.Credential.AccessKeyID)
	}
	s.queries = []string{canonicalQuery(ps, nil)}
	if s.payloadHash, err = payloadHash(r.Header.Get("X-Amz-Content-Sha256"), body); err != nil {
		return signed{}, withKey(err, a.Credential.AccessKeyID)
	}
	return s, nil
}

// requestDate returns X-Amz-Date as it goes into the string to sign, and
// its value. SigV4 also allows the Date header, but no AWS SDK relies on
// it, so hob requires X-Amz-Date.
func requestDate(r *http.Request) (string, time.Time, error) {
	d := r.Header.Get("X-Amz-Date")
	if d == "" {
		return "", time.Time{}, fail(ErrMalformed, "Authorization header requires existence of a 'X-Amz-Date' header.")
	}
	t, ok := parseAmzDate(d)
	if !ok {
		return "", time.Time{}, fail(ErrMalformed, "X-Amz-Date must be of the form yyyyMMddTHHmmssZ.")
	}
	return d, t, nil
}

// querySigned reduces a presigned request to its signed parts. The
// canonical query leaves out X-Amz-Signature, and is tried first without
// X-Amz-Security-Token, then with it (spec §5.3).
func querySigned(r *http.Request, body []byte) (signed, error) {
	ps, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return signed{}, err
	}
	p, err := presignedFrom(ps)
	if err != nil {
		return signed{}, err
	}
	s := signed{auth: p.Authorization, amzDate: p.AmzDate, date: p.Date, expires: p.Expires,
		hasExpires: p.HasExpires, token: p.SecurityToken, presigned: true}
	sent := queryValue(ps, qContentSHA256)
	if sent == "" {
		sent = r.Header.Get("X-Amz-Content-Sha256")
	}
	if s.payloadHash, err = payloadHash(sent, body); err != nil {
		return signed{}, withKey(err, p.Authorization.Credential.AccessKeyID)
	}
	s.queries = []string{canonicalQuery(ps, func(k string) bool { return k == qSignature || k == qSecurityToken })}
	if p.SecurityToken != "" {
		s.queries = append(s.queries, canonicalQuery(ps, func(k string) bool { return k == qSignature }))
	}
	return s, nil
}

func queryValue(ps []param, key string) string {
	for _, p := range ps {
		if p.key == key {
			return p.value
		}
	}
	return ""
}
