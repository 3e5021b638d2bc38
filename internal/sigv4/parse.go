package sigv4

import (
	"encoding/hex"
	"strings"
	"time"
)

// Algorithm is the one signing algorithm SigV4 defines.
const Algorithm = "AWS4-HMAC-SHA256"

// terminator closes every SigV4 credential scope.
const terminator = "aws4_request"

// Layouts of the scope date and of X-Amz-Date (ISO 8601 basic, UTC).
const (
	scopeDateLayout = "20060102"
	amzDateLayout   = "20060102T150405Z"
)

// Scope is a parsed credential: AKID/yyyyMMdd/region/service/aws4_request.
type Scope struct {
	AccessKeyID string
	Date        string // yyyyMMdd, as sent
	Region      string
	Service     string
}

// String is the credential scope without the access key id, as it appears
// in the string to sign: date/region/service/aws4_request.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + terminator
}

// Authorization is what a client signed with, from either the
// Authorization header or a presigned query.
type Authorization struct {
	Credential Scope
	// SignedHeaders is the list exactly as sent (";"-separated); it is part
	// of the canonical request verbatim.
	SignedHeaders string
	// Headers are the names in SignedHeaders, lower-cased.
	Headers []string
	// Signature is the decoded 32-byte signature.
	Signature []byte
}

// ParseAuthorization parses an Authorization header of the form
//
//	AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex
//
// tolerating any mix of commas, spaces and tabs between the parameters. It
// checks the shape only (algorithm, credential scope, 64 hex digits of
// signature, a non-empty header list); it returns an *Error of kind
// ErrMalformed otherwise.
func ParseAuthorization(header string) (Authorization, error) {
	header = strings.TrimSpace(header)
	alg, rest := header, ""
	if i := strings.IndexAny(header, " \t"); i >= 0 {
		alg, rest = header[:i], header[i+1:]
	}
	if alg != Algorithm {
		return Authorization{}, fail(ErrMalformed, "Unsupported authorization algorithm: only "+Algorithm+" is accepted.")
	}
	params, err := authParams(rest)
	if err != nil {
		return Authorization{}, err
	}
	return buildAuthorization(params[0], params[1], params[2], "Authorization header")
}

// authNames are the parameters of the Authorization header, in the order
// authParams returns them.
var authNames = [3]string{"Credential", "SignedHeaders", "Signature"}

// authParams splits the header's parameter list into Credential,
// SignedHeaders and Signature. Names match case-insensitively; unknown
// names are ignored; a repeated name is malformed.
func authParams(s string) ([3]string, error) {
	var vals [3]string
	var seen [3]bool
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, f := range fields {
		name, val, ok := strings.Cut(f, "=")
		if !ok {
			return vals, fail(ErrMalformed, "Authorization header parameter is not of the form name=value.")
		}
		for i, n := range authNames {
			if strings.EqualFold(name, n) {
				if seen[i] {
					return vals, fail(ErrMalformed, "Authorization header repeats the '"+n+"' parameter.")
				}
				vals[i], seen[i] = val, true
			}
		}
	}
	var missing []string
	for i, n := range authNames {
		if vals[i] == "" {
			missing = append(missing, "Authorization header requires '"+n+"' parameter.")
		}
	}
	if missing != nil {
		return vals, fail(ErrMalformed, strings.Join(missing, " "))
	}
	return vals, nil
}

// buildAuthorization checks and assembles the three signed parts; where
// names the form ("Authorization header", "Presigned URL") in messages.
func buildAuthorization(credential, signedHeaders, signature, where string) (Authorization, error) {
	scope, err := parseCredential(credential)
	if err != nil {
		return Authorization{}, err
	}
	sig, err := hex.DecodeString(signature)
	if err != nil || len(sig) != 32 {
		return Authorization{}, withKey(fail(ErrMalformed, where+" signature must be 64 hexadecimal digits."), scope.AccessKeyID)
	}
	headers := strings.Split(strings.ToLower(signedHeaders), ";")
	for _, h := range headers {
		if h == "" {
			return Authorization{}, withKey(fail(ErrMalformed, where+" SignedHeaders has an empty header name."), scope.AccessKeyID)
		}
	}
	return Authorization{Credential: scope, SignedHeaders: signedHeaders, Headers: headers, Signature: sig}, nil
}

// parseCredential splits AKID/yyyyMMdd/region/service/aws4_request.
func parseCredential(s string) (Scope, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 {
		return Scope{}, fail(ErrMalformed, "Credential must have the form AccessKeyId/yyyyMMdd/region/service/aws4_request.")
	}
	sc := Scope{AccessKeyID: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}
	switch {
	case sc.AccessKeyID == "" || sc.Region == "" || sc.Service == "":
		return Scope{}, fail(ErrMalformed, "Credential must have the form AccessKeyId/yyyyMMdd/region/service/aws4_request.")
	case parts[4] != terminator:
		return Scope{}, withKey(fail(ErrMalformed, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+parts[4]+"'."), sc.AccessKeyID)
	case !validScopeDate(sc.Date):
		return Scope{}, withKey(fail(ErrMalformed, "Credential date must be of the form yyyyMMdd."), sc.AccessKeyID)
	}
	return sc, nil
}

func validScopeDate(d string) bool {
	if len(d) != len(scopeDateLayout) {
		return false
	}
	_, err := time.Parse(scopeDateLayout, d)
	return err == nil
}

// parseAmzDate parses an X-Amz-Date value (yyyyMMddTHHmmssZ, UTC).
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(amzDateLayout, s)
	return t, err == nil
}
