package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID   = "AKIAHOBTEST000000001"
	testSecret = "hob/Test+Secret0123456789abcdefghijklmno"
	testRegion = "eu-west-1"
)

// testNow is the verifier's clock and, unless a case says otherwise, the
// signing time.
var testNow = time.Date(2026, 11, 26, 11, 1, 0, 0, time.UTC)

// staticCreds is a fixed set of access keys.
type staticCreds map[string]string

func (c staticCreds) SecretFor(id string) (string, bool) { s, ok := c[id]; return s, ok }

var _ Credentials = staticCreds(nil)

func newTestVerifier(o Options) *Verifier {
	if o.Credentials == nil {
		o.Credentials = staticCreds{testAKID: testSecret}
	}
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	return NewVerifier(o)
}

func testCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// newClientRequest builds a request the way an SDK would before signing.
func newClientRequest(t testing.TB, method, url string, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sdkSign signs r with aws-sdk-go-v2's SigV4 signer.
func sdkSign(t testing.TB, r *http.Request, body []byte, creds aws.Credentials, service string, at time.Time, opts ...func(*v4.SignerOptions)) {
	t.Helper()
	err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hexSHA256(body), service, testRegion, at, opts...)
	if err != nil {
		t.Fatal(err)
	}
}

// overTheWire sends r through HTTP/1.1 serialization and parses it back as
// a server would receive it (RequestURI set, Host moved out of Header),
// returning the server-side request and its body.
func overTheWire(t testing.TB, r *http.Request) (*http.Request, []byte) {
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

// setAuthParam rewrites one parameter of the Authorization header.
func setAuthParam(t testing.TB, r *http.Request, name, value string) {
	t.Helper()
	h := r.Header.Get("Authorization")
	i := strings.Index(h, name+"=")
	if i < 0 {
		t.Fatalf("no %s in %q", name, h)
	}
	end := strings.IndexByte(h[i:], ',')
	if end < 0 {
		end = len(h) - i
	}
	r.Header.Set("Authorization", h[:i]+name+"="+value+h[i+end:])
}
