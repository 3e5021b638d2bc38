package sigv4

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var dataPlane = []string{"iotdata", "iotdevicegateway"}

// sdkCase is a request signed by aws-sdk-go-v2 that the verifier must
// accept.
type sdkCase struct {
	name    string
	method  string
	url     string
	body    string
	service string
	header  http.Header               // set before signing
	creds   aws.Credentials           // zero: testCreds()
	hash    string                    // payload hash to sign with; "": SHA-256 of body
	opts    []func(*v4.SignerOptions) // signer options
	after   func(r *http.Request)     // applied to the client request after signing
	allowed []string                  // services the route accepts; nil: dataPlane
}

var sdkCases = []sdkCase{
	{name: "control plane GET", method: "GET", url: "https://localhost:8443/things?maxResults=10", service: "iot", allowed: []string{"iot"}},
	{name: "publish with %2F and %20", method: "POST", url: "https://localhost:8443/topics/a%2Fb%20c%2F%24x%23?qos=1&retain=true", body: `{"t":21}`, service: "iotdata"},
	{name: "ARN with %3A", method: "POST", url: "https://localhost:8443/attached-policies/arn%3Aaws%3Aiot%3Aus-east-1%3A123456789012%3Acert%2Fab12", service: "iot", allowed: []string{"iot"}},
	{name: "iotdevicegateway signing name", method: "POST", url: "https://localhost:8443/topics/sensors%2F1", body: "x", service: "iotdevicegateway"},
	{name: "query special characters", method: "GET", url: "https://localhost:8443/retainedMessage?nextToken=a%2Bb%3D%3D%2F&q=a%20b&empty=&tilde=~x&star=%2A&unicode=%C3%A9&b=2&b=1", service: "iotdata"},
	{name: "empty body POST", method: "POST", url: "https://localhost:8443/topics/t", service: "iotdata"},
	{name: "session token", method: "GET", url: "https://localhost:8443/things/t1/shadow", service: "iotdata",
		creds: aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "FQoGZXIvYXdzE//token+with/slashes=="}},
	{name: "unusual header whitespace", method: "PUT", url: "https://localhost:8443/things/t1", body: "{}", service: "iot", allowed: []string{"iot"},
		header: http.Header{"X-Hob-Note": {"  a    b   c  "}, "Content-Type": {"application/json;   charset=utf-8"}}},
	{name: "repeated header", method: "GET", url: "https://localhost:8443/things", service: "iot", allowed: []string{"iot"},
		header: http.Header{"X-Hob-Multi": {"one", "two  three"}}},
	{name: "host without port", method: "GET", url: "https://iot.example.com/things", service: "iot", allowed: []string{"iot"}},
	{name: "default port stripped by the SDK", method: "GET", url: "https://iot.example.com:443/things", service: "iot", allowed: []string{"iot"}},
	{name: "IPv6 host with port", method: "GET", url: "https://[::1]:8443/things", service: "iot", allowed: []string{"iot"}},
	{name: "unsigned payload header", method: "POST", url: "https://localhost:8443/topics/t", body: "payload", service: "iotdata",
		header: http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}, hash: "UNSIGNED-PAYLOAD"},
	{name: "single-encoded path (S3-style signer)", method: "POST", url: "https://localhost:8443/topics/a%2Fb%20c", body: "1", service: "iotdata",
		opts: []func(*v4.SignerOptions){func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }}},
	{name: "unsigned header added after signing", method: "GET", url: "https://localhost:8443/things", service: "iot", allowed: []string{"iot"},
		after: func(r *http.Request) { r.Header.Set("Accept-Encoding", "gzip") }},
	{name: "any service when none given", method: "GET", url: "https://localhost:8443/x", service: "execute-api", allowed: []string{}},
}

func signCase(t *testing.T, c sdkCase, at time.Time) (*http.Request, []byte) {
	t.Helper()
	body := []byte(c.body)
	r := newClientRequest(t, c.method, c.url, body)
	for k, vs := range c.header {
		r.Header[k] = vs
	}
	creds := c.creds
	if creds.AccessKeyID == "" {
		creds = testCreds()
	}
	hash := c.hash
	if hash == "" {
		hash = hexSHA256(body)
	}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hash, c.service, testRegion, at, c.opts...); err != nil {
		t.Fatal(err)
	}
	if c.after != nil {
		c.after(r)
	}
	return overTheWire(t, r)
}

func TestVerifier_Verify_SDKSigned(t *testing.T) {
	v := newTestVerifier(Options{})
	for _, c := range sdkCases {
		t.Run(c.name, func(t *testing.T) {
			r, body := signCase(t, c, testNow.Add(-3*time.Minute))
			allowed := c.allowed
			if allowed == nil {
				allowed = dataPlane
			}
			res, err := v.Verify(r, body, allowed...)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.AccessKeyID != testAKID || res.Region != testRegion || res.Service != c.service || res.Presigned || res.Dev {
				t.Errorf("result = %+v", res)
			}
			if want := c.creds.SessionToken; res.SessionToken != want {
				t.Errorf("SessionToken = %q, want %q", res.SessionToken, want)
			}
		})
	}
}

// TestVerifier_Verify_RejectsTampering checks every way a signed request
// can be altered or mis-signed, and the kind of error each gives.
func TestVerifier_Verify_RejectsTampering(t *testing.T) {
	publish := sdkCase{method: "POST", url: "https://localhost:8443/topics/a%2Fb?qos=1", body: `{"v":1}`, service: "iotdata",
		header: http.Header{"X-Hob-Note": {"signed"}}}
	cases := []struct {
		name    string
		base    sdkCase
		at      time.Time   // signing time; zero: testNow
		creds   staticCreds // verifier's keys; nil: the test key
		tamper  func(r *http.Request, body *[]byte)
		kind    error
		message string // a substring the message must contain
		anon    bool   // the error carries no access key id
	}{
		{name: "tampered body", base: publish, tamper: func(_ *http.Request, b *[]byte) { *b = []byte(`{"v":2}`) }, kind: ErrMismatch, message: "does not match"},
		{name: "tampered path", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.RequestURI = "/topics/a%2Fc?qos=1" }, kind: ErrMismatch},
		{name: "tampered path decoded slash", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.RequestURI = "/topics/a/b?qos=1" }, kind: ErrMismatch},
		{name: "tampered query", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.URL.RawQuery = "qos=0" }, kind: ErrMismatch},
		{name: "added query parameter", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.URL.RawQuery += "&retain=true" }, kind: ErrMismatch},
		{name: "tampered signed header", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Set("X-Hob-Note", "changed") }, kind: ErrMismatch},
		{name: "tampered host", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Host = "localhost:9443" }, kind: ErrMismatch},
		{name: "tampered method", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Method = "PUT" }, kind: ErrMismatch},
		{name: "tampered signature", base: publish, tamper: func(r *http.Request, _ *[]byte) { setAuthParam(t, r, "Signature", strings.Repeat("ab", 32)) }, kind: ErrMismatch},
		{name: "wrong secret", base: publish, creds: staticCreds{testAKID: "not" + testSecret}, kind: ErrMismatch},
		{name: "unknown key", base: publish, creds: staticCreds{"AKIAOTHER00000000000": testSecret}, kind: ErrUnknownKey, message: "The security token included in the request is invalid."},
		{name: "expired date", base: publish, at: testNow.Add(-16 * time.Minute), kind: ErrExpired,
			message: "Signature expired: 20261126T104500Z is now earlier than 20261126T104600Z (20261126T110100Z - 15 min.)"},
		{name: "future date", base: publish, at: testNow.Add(16 * time.Minute), kind: ErrExpired, message: "Signature not yet current"},
		{name: "scope date mismatch", base: publish, tamper: func(r *http.Request, _ *[]byte) {
			setAuthParam(t, r, "Credential", testAKID+"/20261125/"+testRegion+"/iotdata/aws4_request")
		}, kind: ErrScopeDate, message: "'20261125' != '20261126'"},
		{name: "wrong service", base: sdkCase{method: "GET", url: "https://localhost:8443/things", service: "s3"}, kind: ErrWrongService,
			message: "Credential should be scoped to correct service: 'iotdata'. "},
		{name: "control-plane signing name on the data plane", base: sdkCase{method: "GET", url: "https://localhost:8443/things", service: "iot"}, kind: ErrWrongService},
		{name: "host not signed", base: publish, tamper: func(r *http.Request, _ *[]byte) {
			setAuthParam(t, r, "SignedHeaders", "content-length;x-amz-date;x-hob-note")
		}, kind: ErrMalformed, message: "'Host'"},
		{name: "missing X-Amz-Date", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Del("X-Amz-Date") }, kind: ErrMalformed},
		{name: "bad X-Amz-Date", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Set("X-Amz-Date", "2026-11-26T11:01:00Z") }, kind: ErrMalformed},
		{name: "malformed header", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x") }, kind: ErrMalformed, anon: true},
		{name: "other scheme", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Set("Authorization", "Bearer abc") }, kind: ErrMalformed, anon: true},
		{name: "two Authorization headers", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Add("Authorization", r.Header.Get("Authorization")) }, kind: ErrMalformed, anon: true},
		{name: "no authentication", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.Header.Del("Authorization") }, kind: ErrMissing, message: "Missing Authentication Token", anon: true},
		{name: "bad query escape", base: publish, tamper: func(r *http.Request, _ *[]byte) { r.URL.RawQuery = "qos=%zz" }, kind: ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := c.at
			if at.IsZero() {
				at = testNow
			}
			r, body := signCase(t, c.base, at)
			if c.tamper != nil {
				c.tamper(r, &body)
			}
			o := Options{}
			if c.creds != nil {
				o.Credentials = c.creds
			}
			v := newTestVerifier(o)
			_, err := v.Verify(r, body, dataPlane...)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want kind %v", err, c.kind)
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, c.message) {
				t.Fatalf("message = %q, want it to contain %q", e.Message, c.message)
			}
			if !c.anon && e.AccessKeyID != testAKID {
				t.Errorf("error carries no access key id")
			}
			sig := r.Header.Get("Authorization")
			if i := strings.Index(sig, "Signature="); i >= 0 && strings.Contains(err.Error(), sig[i+len("Signature="):]) {
				t.Errorf("error %q leaks the signature", err)
			}
		})
	}
}

// TestVerifier_Verify_Window checks the edges of the ±15 min window.
func TestVerifier_Verify_Window(t *testing.T) {
	c := sdkCase{method: "GET", url: "https://localhost:8443/things", service: "iotdata"}
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{-15 * time.Minute, true}, {-15*time.Minute - time.Second, false}, {15 * time.Minute, true}, {15*time.Minute + time.Second, false}} {
		r, body := signCase(t, c, testNow.Add(tc.offset))
		_, err := newTestVerifier(Options{}).Verify(r, body, dataPlane...)
		if (err == nil) != tc.ok {
			t.Errorf("offset %v: err = %v, want ok=%v", tc.offset, err, tc.ok)
		}
	}
}

func TestVerifier_Verify_Dev(t *testing.T) {
	c := sdkCase{method: "POST", url: "https://localhost:8443/topics/t", body: "x", service: "iotdata"}
	dev := newTestVerifier(Options{Dev: true, Credentials: staticCreds{}})
	devTime := newTestVerifier(Options{Dev: true, DevCheckTime: true, Credentials: staticCreds{}})

	r, body := signCase(t, c, testNow.Add(-time.Hour))
	setAuthParam(t, r, "Signature", strings.Repeat("0", 64))
	res, err := dev.Verify(r, body, dataPlane...)
	if err != nil || !res.Dev || res.AccessKeyID != testAKID {
		t.Fatalf("dev: res=%+v err=%v, want accepted", res, err)
	}
	if _, err := devTime.Verify(r, body, dataPlane...); !errors.Is(err, ErrExpired) {
		t.Errorf("dev with time check: err = %v, want ErrExpired", err)
	}
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/20261126/eu-west-1/iotdata/aws4_request, SignedHeaders=host, Signature=xyz")
	if _, err := dev.Verify(r, body, dataPlane...); !errors.Is(err, ErrMalformed) {
		t.Errorf("dev, malformed: err = %v, want ErrMalformed", err)
	}
	r.Header.Del("Authorization")
	if _, err := dev.Verify(r, body, dataPlane...); !errors.Is(err, ErrMissing) {
		t.Errorf("dev, missing: err = %v, want ErrMissing", err)
	}
}

// TestVerifier_Verify_HTTPServer runs verification behind a real
// net/http server and client, so Host, RequestURI and Content-Length are
// exactly what a listener sees.
func TestVerifier_Verify_HTTPServer(t *testing.T) {
	v := newTestVerifier(Options{Now: time.Now})
	srv := newVerifyServer(t, v)
	for _, path := range []string{"/topics/a%2Fb%20c%3Ad?qos=1", "/things/t%2B1", "/"} {
		body := []byte("hello")
		r := newClientRequest(t, "POST", srv.URL+path, body)
		sdkSign(t, r, body, testCreds(), "iotdata", time.Now())
		if got := doStatus(t, r); got != http.StatusOK {
			t.Errorf("%s: status %d, want 200", path, got)
		}
		r = newClientRequest(t, "POST", srv.URL+path, body)
		sdkSign(t, r, []byte("other"), testCreds(), "iotdata", time.Now())
		if got := doStatus(t, r); got != http.StatusForbidden {
			t.Errorf("%s with wrong body hash: status %d, want 403", path, got)
		}
	}
}
