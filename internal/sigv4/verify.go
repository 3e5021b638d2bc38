package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// DefaultMaxSkew is how far X-Amz-Date may be from the server's clock
// (spec §5.2: ±15 minutes).
const DefaultMaxSkew = 15 * time.Minute

// emptySHA256 is the hex SHA-256 of an empty payload.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Credentials looks up the secret access key of an access key id. It must
// be safe for concurrent use.
type Credentials interface {
	SecretFor(accessKeyID string) (secret string, ok bool)
}

// Options configure a Verifier. The zero value checks nothing against
// secrets (every key is unknown) and uses the defaults below.
type Options struct {
	// Credentials supplies secrets. Nil means no key is known.
	Credentials Credentials
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew bounds |X-Amz-Date - now|; 0 means DefaultMaxSkew.
	MaxSkew time.Duration
	// Dev accepts any well-formed signature: the request is parsed and
	// its shape checked (algorithm, scope, service, host signed), but the
	// key is not looked up and the signature is not recomputed. For local
	// development only.
	Dev bool
	// DevCheckTime makes Dev mode still apply the date window.
	DevCheckTime bool
	// KeyCacheSize bounds the derived signing key cache; 0 means
	// DefaultKeyCacheSize, negative disables caching.
	KeyCacheSize int
}

// Verifier checks SigV4 signatures. It is safe for concurrent use.
type Verifier struct {
	creds        Credentials
	now          func() time.Time
	skew         time.Duration
	dev          bool
	devCheckTime bool
	keys         *keyCache
}

// NewVerifier returns a Verifier configured by o.
func NewVerifier(o Options) *Verifier {
	v := &Verifier{creds: o.Credentials, now: o.Now, skew: o.MaxSkew, dev: o.Dev, devCheckTime: o.DevCheckTime}
	if v.now == nil {
		v.now = time.Now
	}
	if v.skew <= 0 {
		v.skew = DefaultMaxSkew
	}
	size := o.KeyCacheSize
	if size == 0 {
		size = DefaultKeyCacheSize
	}
	v.keys = newKeyCache(size)
	return v
}

// Result describes a request that passed verification.
type Result struct {
	AccessKeyID string
	Region      string
	Service     string
	// Date is the signing time (X-Amz-Date).
	Date time.Time
	// SessionToken is X-Amz-Security-Token, if the client sent one. It is
	// not validated (see the package doc).
	SessionToken string
	// Presigned reports the query form.
	Presigned bool
	// Dev reports that Dev mode accepted the request without checking its
	// signature.
	Dev bool
}

// signed is what both forms of a request reduce to before checking.
type signed struct {
	auth        Authorization
	amzDate     string
	date        time.Time
	expires     time.Duration
	hasExpires  bool
	token       string
	payloadHash string
	queries     []string // canonical query strings to try, most likely first
	presigned   bool
}

// Verify checks the SigV4 signature of r, whose body has been read into
// body. The signature comes from the Authorization header or, when there is
// none, from a presigned query. services is the set of signing names the
// route accepts (for example "iotdata", "iotdevicegateway"); empty accepts
// any. It returns an *Error on failure.
func (v *Verifier) Verify(r *http.Request, body []byte, services ...string) (Result, error) {
	hs := r.Header.Values("Authorization")
	switch {
	case len(hs) > 1:
		return Result{}, fail(ErrMalformed, "The request has more than one Authorization header.")
	case len(hs) == 0 && strings.Contains(r.URL.RawQuery, "X-Amz-"):
		return v.verifyQuery(r, body, services)
	case len(hs) == 0:
		return Result{}, fail(ErrMissing, msgMissing)
	}
	s, err := headerSigned(r, hs[0], body)
	if err != nil {
		return Result{}, err
	}
	return v.verify(r, s, services)
}

// VerifyPresigned checks a presigned URL with an empty payload, as MQTT
// over WebSocket sends it (spec §5.3). It tries the canonical query
// without X-Amz-Security-Token first (the AWS CRT and Device SDKs append
// the token after signing), then with it.
func (v *Verifier) VerifyPresigned(r *http.Request, services ...string) (Result, error) {
	return v.verifyQuery(r, nil, services)
}

func (v *Verifier) verifyQuery(r *http.Request, body []byte, services []string) (Result, error) {
	s, err := querySigned(r, body)
	if err != nil {
		return Result{}, err
	}
	return v.verify(r, s, services)
}

// verify runs the checks shared by both forms and describes the request
// that passed them.
func (v *Verifier) verify(r *http.Request, s signed, services []string) (Result, error) {
	sc := s.auth.Credential
	if err := v.check(r, s, services); err != nil {
		return Result{}, withKey(err, sc.AccessKeyID)
	}
	return Result{AccessKeyID: sc.AccessKeyID, Region: sc.Region, Service: sc.Service,
		Date: s.date, SessionToken: s.token, Presigned: s.presigned, Dev: v.dev}, nil
}

// check runs, in order: scope, key, time window, signature. Dev mode stops
// after the scope, or after the time window with DevCheckTime.
func (v *Verifier) check(r *http.Request, s signed, services []string) error {
	if err := checkScope(s, services); err != nil {
		return err
	}
	if v.dev {
		if v.devCheckTime {
			return v.checkTime(s)
		}
		return nil
	}
	sc := s.auth.Credential
	secret, ok := "", false
	if v.creds != nil {
		secret, ok = v.creds.SecretFor(sc.AccessKeyID)
	}
	if !ok {
		return fail(ErrUnknownKey, msgUnknownKey)
	}
	if err := v.checkTime(s); err != nil {
		return err
	}
	if !matches(r, s, v.keys.get(cacheKey{secret, sc.Date, sc.Region, sc.Service})) {
		return fail(ErrMismatch, msgMismatch)
	}
	return nil
}

// matches reports whether any accepted canonical form of r, signed with
// key, gives the client's signature. Comparison is constant-time.
func matches(r *http.Request, s signed, key []byte) bool {
	var hb strings.Builder
	canonicalHeaders(&hb, r, s.auth.Headers)
	headers := hb.String()
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	prefix := Algorithm + "\n" + s.amzDate + "\n" + s.auth.Credential.String() + "\n"
	mac := hmac.New(sha256.New, key)
	var b strings.Builder
	for _, uri := range canonicalURIs(rawPath(r)) {
		for _, q := range s.queries {
			b.Reset()
			for _, part := range [...]string{method, "\n", uri, "\n", q, "\n", headers, "\n", s.auth.SignedHeaders, "\n", s.payloadHash} {
				b.WriteString(part)
			}
			sum := sha256.Sum256([]byte(b.String()))
			mac.Reset()
			mac.Write([]byte(prefix))
			mac.Write([]byte(hex.EncodeToString(sum[:])))
			if hmac.Equal(mac.Sum(nil), s.auth.Signature) {
				return true
			}
		}
	}
	return false
}

// payloadHash is the x-amz-content-sha256 value when the client sent one
// (a hex digest or UNSIGNED-PAYLOAD), else the hex SHA-256 of body. A
// digest that is not body's is a mismatch: the signature covers the
// digest, so trusting it would leave the body itself unsigned.
func payloadHash(sent string, body []byte) (string, error) {
	actual := emptySHA256
	if len(body) > 0 {
		sum := sha256.Sum256(body)
		actual = hex.EncodeToString(sum[:])
	}
	switch {
	case sent == "":
		return actual, nil
	case isHexDigest(sent) && !strings.EqualFold(sent, actual):
		return "", fail(ErrMismatch, "The x-amz-content-sha256 value does not match the SHA-256 of the request body.")
	}
	return sent, nil
}

// isHexDigest reports whether s looks like a hex SHA-256 digest.
func isHexDigest(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
