package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const testToken = "IQoJb3JpZ2luX2VjE+token/with=specials"

// sdkPresign presigns a WebSocket upgrade to https://localhost:8443/mqtt
// with aws-sdk-go-v2 and returns the URL. expires < 0 leaves out
// X-Amz-Expires. The SDK puts a session token in the canonical query.
func sdkPresign(t *testing.T, creds aws.Credentials, service string, at time.Time, expires int, opts ...func(*v4.SignerOptions)) string {
	t.Helper()
	u := "https://localhost:8443/mqtt"
	if expires >= 0 {
		u += "?X-Amz-Expires=" + strconv.Itoa(expires)
	}
	r := newClientRequest(t, "GET", u, nil)
	signed, _, err := v4.NewSigner().PresignHTTP(t.Context(), creds, r, emptySHA256, service, testRegion, at, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// crtPresign presigns as the AWS CRT and Device SDKs do: the token is left
// out of signing and appended to the URL afterwards (spec §5.3).
func crtPresign(t *testing.T, at time.Time) string {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	u := sdkPresign(t, creds, "iotdevicegateway", at, -1, func(o *v4.SignerOptions) { o.DisableSessionToken = true })
	if strings.Contains(u, "X-Amz-Security-Token") {
		t.Fatal("token was signed")
	}
	return u + "&X-Amz-Security-Token=" + url.QueryEscape(testToken)
}

// upgradeRequest turns a presigned URL into the request a server sees.
func upgradeRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	r := newClientRequest(t, "GET", u, nil)
	r.Header.Set("Sec-WebSocket-Protocol", "mqtt")
	sr, _ := overTheWire(t, r)
	return sr
}

func TestVerifier_VerifyPresigned_Accepts(t *testing.T) {
	withToken := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	cases := []struct {
		name      string
		url       string
		now       time.Time
		wantToken string
	}{
		{"SDK, no expiry", sdkPresign(t, testCreds(), "iotdevicegateway", testNow, -1), testNow.Add(10 * time.Minute), ""},
		{"SDK, iotdata signing name", sdkPresign(t, testCreds(), "iotdata", testNow, -1), testNow, ""},
		{"SDK, token signed in the query", sdkPresign(t, withToken, "iotdevicegateway", testNow, -1), testNow, testToken},
		{"SDK, expiry beyond the skew window", sdkPresign(t, testCreds(), "iotdevicegateway", testNow, 3600), testNow.Add(59 * time.Minute), ""},
		{"SDK, one-week expiry", sdkPresign(t, testCreds(), "iotdevicegateway", testNow, 604800), testNow.Add(6 * 24 * time.Hour), ""},
		{"CRT, token appended after signing", crtPresign(t, testNow), testNow, testToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestVerifier(Options{Now: func() time.Time { return c.now }})
			res, err := v.VerifyPresigned(upgradeRequest(t, c.url), dataPlane...)
			if err != nil {
				t.Fatalf("VerifyPresigned: %v", err)
			}
			if !res.Presigned || res.AccessKeyID != testAKID || res.SessionToken != c.wantToken || !res.Date.Equal(testNow) {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestVerifier_VerifyPresigned_Rejects(t *testing.T) {
	good := sdkPresign(t, testCreds(), "iotdevicegateway", testNow, 60)
	cases := []struct {
		name string
		url  string
		now  time.Time
		kind error
	}{
		{"past X-Amz-Expires", good, testNow.Add(61 * time.Second), ErrExpired},
		{"no expiry, past the skew window", sdkPresign(t, testCreds(), "iotdevicegateway", testNow, -1), testNow.Add(16 * time.Minute), ErrExpired},
		{"signed in the future", good, testNow.Add(-16 * time.Minute), ErrExpired},
		{"expiry over a week", sdkPresign(t, testCreds(), "iotdevicegateway", testNow, 604801), testNow, ErrMalformed},
		{"tampered query value", strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=600", 1), testNow, ErrMismatch},
		{"added parameter", good + "&clientId=x", testNow, ErrMismatch},
		{"tampered path", strings.Replace(good, "/mqtt?", "/mqtt2?", 1), testNow, ErrMismatch},
		{"wrong service", sdkPresign(t, testCreds(), "iot", testNow, -1), testNow, ErrWrongService},
		{"unknown key", sdkPresign(t, aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "s"}, "iotdata", testNow, -1), testNow, ErrUnknownKey},
		{"wrong secret", sdkPresign(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "wrong"}, "iotdata", testNow, -1), testNow, ErrMismatch},
		{"no signature", strings.Split(good, "&X-Amz-Signature=")[0], testNow, ErrMalformed},
		{"duplicate parameter", good + "&X-Amz-Date=20261126T110100Z", testNow, ErrMalformed},
		{"no authentication", "https://localhost:8443/mqtt", testNow, ErrMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestVerifier(Options{Now: func() time.Time { return c.now }})
			_, err := v.VerifyPresigned(upgradeRequest(t, c.url), dataPlane...)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want kind %v", err, c.kind)
			}
		})
	}
}

// TestVerifier_Verify_PresignedQuery checks that Verify falls back to the
// query form when there is no Authorization header.
func TestVerifier_Verify_PresignedQuery(t *testing.T) {
	r := upgradeRequest(t, crtPresign(t, testNow))
	if _, err := newTestVerifier(Options{}).Verify(r, nil, dataPlane...); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if _, err := newTestVerifier(Options{}).Verify(r, []byte("body"), dataPlane...); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify with a body the URL did not sign: err = %v, want ErrMismatch", err)
	}
}
