package sigv4

import (
	"strconv"
	"time"
)

// Query parameters of a presigned request (spec §5.3).
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qExpires       = "X-Amz-Expires"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// MaxExpires is the longest X-Amz-Expires SigV4 allows: seven days.
const MaxExpires = 7 * 24 * time.Hour

// Presigned is a parsed presigned query: the signed parts, the signing
// time, the validity and the session token.
type Presigned struct {
	Authorization
	// AmzDate is X-Amz-Date as sent; Date is its value.
	AmzDate string
	Date    time.Time
	// Expires is X-Amz-Expires; HasExpires reports whether it was sent.
	Expires    time.Duration
	HasExpires bool
	// SecurityToken is X-Amz-Security-Token, if any.
	SecurityToken string
}

// ParsePresigned parses the X-Amz-* parameters of a raw (still escaped)
// query string. It returns an *Error of kind ErrMissing when the query
// carries neither X-Amz-Algorithm nor X-Amz-Signature, and of kind
// ErrMalformed when a required parameter is missing or repeated, the
// algorithm is not AWS4-HMAC-SHA256, X-Amz-Date is not yyyyMMddTHHmmssZ,
// or X-Amz-Expires is not a whole number of seconds from 0 to 604800.
func ParsePresigned(rawQuery string) (Presigned, error) {
	ps, err := parseQuery(rawQuery)
	if err != nil {
		return Presigned{}, err
	}
	return presignedFrom(ps)
}

func presignedFrom(ps []param) (Presigned, error) {
	v, err := presignParams(ps)
	if err != nil {
		return Presigned{}, err
	}
	if v[qAlgorithm] != Algorithm {
		return Presigned{}, fail(ErrMalformed, "Unsupported X-Amz-Algorithm: only "+Algorithm+" is accepted.")
	}
	a, err := buildAuthorization(v[qCredential], v[qSignedHeaders], v[qSignature], "Presigned URL")
	if err != nil {
		return Presigned{}, err
	}
	p := Presigned{Authorization: a, AmzDate: v[qDate], SecurityToken: v[qSecurityToken]}
	var ok bool
	if p.Date, ok = parseAmzDate(p.AmzDate); !ok {
		return Presigned{}, withKey(fail(ErrMalformed, "X-Amz-Date must be of the form yyyyMMddTHHmmssZ."), a.Credential.AccessKeyID)
	}
	if s, sent := v[qExpires]; sent {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || time.Duration(n)*time.Second > MaxExpires {
			// AWS: "X-Amz-Expires must be less than a week (in seconds) that is 604800"
			return Presigned{}, withKey(fail(ErrMalformed, "X-Amz-Expires must be a whole number of seconds from 0 to 604800 (one week)."), a.Credential.AccessKeyID)
		}
		p.Expires, p.HasExpires = time.Duration(n)*time.Second, true
	}
	return p, nil
}

// presignParams collects the X-Amz-* parameters, rejecting repeats and
// reporting every missing one.
func presignParams(ps []param) (map[string]string, error) {
	v := make(map[string]string, 8)
	for _, p := range ps {
		switch p.key {
		case qAlgorithm, qCredential, qDate, qSignedHeaders, qSignature, qExpires, qSecurityToken, qContentSHA256:
			if _, dup := v[p.key]; dup {
				return nil, fail(ErrMalformed, "Presigned URL repeats the "+p.key+" parameter.")
			}
			v[p.key] = p.value
		}
	}
	_, alg := v[qAlgorithm]
	_, sig := v[qSignature]
	if !alg && !sig {
		return nil, fail(ErrMissing, msgMissing)
	}
	for _, k := range [...]string{qAlgorithm, qCredential, qDate, qSignedHeaders, qSignature} {
		if v[k] == "" {
			return nil, fail(ErrMalformed, "AWS query-string parameters must include '"+qAlgorithm+"', '"+qCredential+
				"', '"+qSignature+"', '"+qDate+"', '"+qSignedHeaders+"'.")
		}
	}
	return v, nil
}
