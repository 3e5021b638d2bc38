package sigv4

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// botocoreSigner signs a request description read as JSON on stdin with
// botocore's own SigV4Auth or SigV4QueryAuth, its clock pinned to the given
// time, and writes the signed URL and headers as JSON.
const botocoreSigner = `
import datetime, json, sys
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
req = json.load(sys.stdin)
at = datetime.datetime.strptime(req["time"], "%Y%m%dT%H%M%SZ")
auth.get_current_datetime = lambda *a, **k: at
creds = Credentials(req["akid"], req["secret"], req["token"] or None)
r = AWSRequest(method=req["method"], url=req["url"], data=req["body"].encode(), headers=req["headers"])
if req["presign"]:
    auth.SigV4QueryAuth(creds, req["service"], req["region"], expires=req["expires"]).add_auth(r)
else:
    auth.SigV4Auth(creds, req["service"], req["region"]).add_auth(r)
out = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in r.headers.items()]
json.dump({"url": r.url, "headers": out}, sys.stdout)
`

type botoRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    string            `json:"body"`
	Headers map[string]string `json:"headers"`
	Service string            `json:"service"`
	Presign bool              `json:"presign"`
	Expires int               `json:"expires"`
	Token   string            `json:"token"`
	AKID    string            `json:"akid"`
	Secret  string            `json:"secret"`
	Region  string            `json:"region"`
	Time    string            `json:"time"`
}

// requireBotocore skips the test when python3 with botocore is missing,
// except in CI, where it must be present.
func requireBotocore(t *testing.T) {
	t.Helper()
	err := exec.Command("python3", "-c", "import botocore").Run()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("python3 with botocore is required in CI: %v", err)
	}
	t.Skipf("python3 with botocore not available: %v", err)
}

// botoSign signs b with botocore and returns the request as a server
// receives it.
func botoSign(t *testing.T, b botoRequest) (*http.Request, []byte) {
	t.Helper()
	b.AKID, b.Secret, b.Region, b.Time = testAKID, testSecret, testRegion, testNow.Format(amzDateLayout)
	if b.Headers == nil {
		b.Headers = map[string]string{}
	}
	in, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", botocoreSigner)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	var signed struct {
		URL     string      `json:"url"`
		Headers [][2]string `json:"headers"`
	}
	if err := json.Unmarshal(out, &signed); err != nil {
		t.Fatal(err)
	}
	r := newClientRequest(t, b.Method, signed.URL, []byte(b.Body))
	for _, h := range signed.Headers {
		r.Header.Add(h[0], h[1])
	}
	return overTheWire(t, r)
}

func TestVerifier_Verify_Botocore(t *testing.T) {
	requireBotocore(t)
	cases := []struct {
		name string
		req  botoRequest
	}{
		{"control plane GET", botoRequest{Method: "GET", URL: "https://localhost:8443/things?maxResults=10&nextToken=abc%3D%3D", Service: "iot"}},
		{"publish with %2F and %20", botoRequest{Method: "POST", URL: "https://localhost:8443/topics/a%2Fb%20c?qos=1", Body: `{"t":1}`, Service: "iotdata"}},
		{"ARN with %3A", botoRequest{Method: "POST", URL: "https://localhost:8443/attached-policies/arn%3Aaws%3Aiot%3Aus-east-1%3A123456789012%3Acert%2Fab", Service: "iot"}},
		{"empty segments normalized by botocore", botoRequest{Method: "GET", URL: "https://localhost:8443/things//t1/./shadow", Service: "iotdata"}},
		{"tab inside a signed header", botoRequest{Method: "GET", URL: "https://localhost:8443/things", Service: "iot", Headers: map[string]string{"X-Hob-Note": "a\t\tb  c"}}},
		{"session token header", botoRequest{Method: "GET", URL: "https://localhost:8443/things", Service: "iot", Token: testToken}},
		{"presigned WebSocket with token", botoRequest{Method: "GET", URL: "https://localhost:8443/mqtt", Service: "iotdevicegateway", Presign: true, Expires: 86400, Token: testToken}},
	}
	v := newTestVerifier(Options{Now: func() time.Time { return testNow.Add(time.Minute) }})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := botoSign(t, c.req)
			if _, err := v.Verify(r, body, c.req.Service); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			body = append(body, '!')
			if _, err := v.Verify(r, body, c.req.Service); !errors.Is(err, ErrMismatch) {
				t.Fatalf("tampered body: err = %v, want ErrMismatch", err)
			}
		})
	}
}
