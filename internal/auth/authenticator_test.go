package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hob-iot/hob/internal/iot"
)

var testNow = time.Date(2026, 11, 26, 11, 1, 0, 0, time.UTC)

// fixture is an Authenticator over a fresh key file holding the admin key
// and one named key, logging to a buffer.
type fixture struct {
	keys  *Keys
	admin AccessKey
	ci    AccessKey
	log   bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{keys: loadKeys(t, t.TempDir())}
	var err error
	if f.admin, _, err = f.keys.EnsureAdmin(); err != nil {
		t.Fatal(err)
	}
	if f.ci, err = f.keys.Create("ci-runner"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) authenticator(dev bool) *Authenticator {
	logger := slog.New(slog.NewTextHandler(&f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return NewAuthenticator(f.keys, Options{Account: "111122223333", Now: func() time.Time { return testNow }, Dev: dev, Log: logger})
}

func creds(k AccessKey) aws.Credentials {
	return aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
}

// signed returns a publish request signed by aws-sdk-go-v2 as the server
// receives it, and its body.
func signed(t *testing.T, c aws.Credentials, service string, at time.Time) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"state":{"reported":{"on":true}}}`)
	r, err := http.NewRequest("POST", "https://localhost:8443/topics/a%2Fb%20c?qos=1", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256Hex(body)
	if err := v4.NewSigner().SignHTTP(t.Context(), c, r, sum, service, "eu-west-1", at); err != nil {
		t.Fatal(err)
	}
	return toServer(t, r)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signatureOf returns the signature a request carries, header or query.
func signatureOf(r *http.Request) string {
	if _, sig, ok := strings.Cut(r.Header.Get("Authorization"), "Signature="); ok {
		return sig
	}
	return r.URL.Query().Get("X-Amz-Signature")
}

func toServer(t *testing.T, r *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatal(err)
	}
	return sr, body
}

func TestAuthenticator_Authenticate_SDKSigned(t *testing.T) {
	f := newFixture(t)
	a := f.authenticator(false)
	for _, k := range []AccessKey{f.admin, f.ci} {
		r, body := signed(t, creds(k), "iotdata", testNow)
		id, err := a.Authenticate(r, body, "iotdata", "iotdevicegateway")
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		want := Identity{AccessKeyID: k.ID, Name: k.Name, Principal: "arn:aws:iam::111122223333:user/" + k.Name,
			Admin: k.Admin, Region: "eu-west-1", Service: "iotdata"}
		if id != want {
			t.Errorf("identity = %+v, want %+v", id, want)
		}
	}
}

func TestAuthenticator_Authenticate_Errors(t *testing.T) {
	f := newFixture(t)
	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: f.ci.Secret}
	cases := []struct {
		name    string
		req     func() (*http.Request, []byte)
		code    iot.Code
		message string
	}{
		{"missing", func() (*http.Request, []byte) {
			r, b := signed(t, creds(f.ci), "iotdata", testNow)
			r.Header.Del("Authorization")
			return r, b
		}, iot.MissingAuthenticationToken, "Missing Authentication Token"},
		{"unknown key", func() (*http.Request, []byte) { return signed(t, unknown, "iotdata", testNow) },
			iot.UnrecognizedClientException, "The security token included in the request is invalid."},
		{"signature mismatch", func() (*http.Request, []byte) {
			r, _ := signed(t, creds(f.ci), "iotdata", testNow)
			return r, []byte(`{"tampered":true}`)
		}, iot.InvalidSignatureException, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."},
		{"wrong secret", func() (*http.Request, []byte) {
			return signed(t, aws.Credentials{AccessKeyID: f.ci.ID, SecretAccessKey: f.admin.Secret}, "iotdata", testNow)
		}, iot.InvalidSignatureException, "The request signature we calculated does not match"},
		{"expired", func() (*http.Request, []byte) { return signed(t, creds(f.ci), "iotdata", testNow.Add(-20*time.Minute)) },
			iot.InvalidSignatureException, "Signature expired: 20261126T104100Z is now earlier than 20261126T104600Z (20261126T110100Z - 15 min.)"},
		{"wrong service", func() (*http.Request, []byte) { return signed(t, creds(f.ci), "iot", testNow) },
			iot.InvalidSignatureException, "Credential should be scoped to correct service: 'iotdata'."},
		{"malformed", func() (*http.Request, []byte) {
			r, b := signed(t, creds(f.ci), "iotdata", testNow)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+f.ci.ID+"/20261126/eu-west-1/iotdata/aws4_request")
			return r, b
		}, iot.IncompleteSignature, "Authorization header requires 'SignedHeaders' parameter."},
	}
	a := f.authenticator(false)
	var sigs []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.req()
			sigs = append(sigs, signatureOf(r))
			_, err := a.Authenticate(r, body, "iotdata", "iotdevicegateway")
			e, ok := iot.AsError(err)
			if !ok || e.Code != c.code || e.Status() != http.StatusForbidden || !strings.Contains(e.Message, c.message) {
				t.Fatalf("err = %v, want %s (403) containing %q", err, c.code, c.message)
			}
		})
	}
	assertNoSecrets(t, f, sigs...)
}

func TestAuthenticator_Authenticate_Dev(t *testing.T) {
	f := newFixture(t)
	a := f.authenticator(true)
	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: "anything"}
	r, body := signed(t, unknown, "iotdata", testNow.Add(-2*time.Hour))
	id, err := a.Authenticate(r, body, "iotdata")
	if err != nil || !id.Dev || id.Name != unknown.AccessKeyID || id.Principal != "arn:aws:iam::111122223333:user/"+unknown.AccessKeyID {
		t.Fatalf("dev, unknown key: %+v, %v", id, err)
	}
	r, body = signed(t, aws.Credentials{AccessKeyID: f.ci.ID, SecretAccessKey: "wrong"}, "iotdata", testNow)
	if id, err := a.Authenticate(r, body, "iotdata"); err != nil || id.Name != f.ci.Name {
		t.Fatalf("dev, known key with wrong secret: %+v, %v", id, err)
	}
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=junk, SignedHeaders=host, Signature=00")
	if _, err := a.Authenticate(r, body, "iotdata"); !iot.IsCode(err, iot.IncompleteSignature) {
		t.Fatalf("dev, malformed header: err = %v, want IncompleteSignatureException", err)
	}
	r.Header.Del("Authorization")
	if _, err := a.Authenticate(r, body, "iotdata"); !iot.IsCode(err, iot.MissingAuthenticationToken) {
		t.Fatalf("dev, no header: err = %v, want MissingAuthenticationToken", err)
	}
}

func TestAuthenticator_AuthenticatePresigned(t *testing.T) {
	f := newFixture(t)
	a := f.authenticator(false)
	presign := func(k aws.Credentials) *http.Request {
		r, _ := http.NewRequest("GET", "https://localhost:8443/mqtt", nil)
		u, _, err := v4.NewSigner().PresignHTTP(t.Context(), k, r, sha256Hex(nil), "iotdevicegateway", "eu-west-1", testNow)
		if err != nil {
			t.Fatal(err)
		}
		r, _ = http.NewRequest("GET", u, nil)
		sr, _ := toServer(t, r)
		return sr
	}
	id, err := a.AuthenticatePresigned(presign(creds(f.admin)), "iotdata", "iotdevicegateway")
	if err != nil || id.AccessKeyID != f.admin.ID || !id.Admin {
		t.Fatalf("presigned: %+v, %v", id, err)
	}
	bad := presign(aws.Credentials{AccessKeyID: f.admin.ID, SecretAccessKey: "wrong"})
	if _, err = a.AuthenticatePresigned(bad, "iotdevicegateway"); !iot.IsCode(err, iot.InvalidSignatureException) {
		t.Fatalf("presigned, wrong secret: err = %v", err)
	}
	assertNoSecrets(t, f, signatureOf(bad))
}

// assertNoSecrets checks that the log mentions failures but neither a
// secret nor any of the given signatures.
func assertNoSecrets(t *testing.T, f *fixture, signatures ...string) {
	t.Helper()
	out := f.log.String()
	if !strings.Contains(out, "sigv4 authentication failed") {
		t.Errorf("failures were not logged: %q", out)
	}
	for _, s := range append([]string{f.admin.Secret, f.ci.Secret}, signatures...) {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("log contains %q", s)
		}
	}
}
