package console_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/console"
)

func TestServer_Proxy_APISeesValidSigV4(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, body string
		service, path, query       string
	}{
		{"control plane list", http.MethodGet, "/console/api/iot/things?maxResults=2&nextToken=a%2Bb%3D", "",
			"iot", "/things", "maxResults=2&nextToken=a%2Bb%3D"},
		{"control plane escaped name", http.MethodPost, "/console/api/iot/things/a%20b%3Ac", `{"attributePayload":{}}`,
			"iot", "/things/a%20b%3Ac", ""},
		{"data plane publish", http.MethodPost, "/console/api/iotdata/topics/elf%2Fhello?qos=1&retain=true", `{"t":21.5}`,
			"iotdata", "/topics/elf%2Fhello", "qos=1&retain=true"},
		{"data plane shadow", http.MethodGet, "/console/api/iotdata/things/elf/shadow?name=cfg", "",
			"iotdata", "/things/elf/shadow", "name=cfg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := f.signIn(t)
			rec := f.do(tc.method, tc.target, tc.body, "Cookie", s.cookie, console.CSRFHeader, s.csrf,
				"Content-Type", "application/json", "Authorization", "Bearer from-the-browser")
			if rec.Code != http.StatusOK || rec.Body.String() != `{"ok":true}` {
				t.Fatalf("proxy: %d %s", rec.Code, rec.Body)
			}
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Fatal("proxied answer lacks the console's security headers")
			}
			c := f.api.last(t)
			if c.err != nil {
				t.Fatalf("the API refused the signature: %v", c.err)
			}
			if c.id.AccessKeyID != testKeyID || c.id.Service != tc.service || c.id.Region != "us-east-1" || !c.id.Admin {
				t.Fatalf("identity %+v", c.id)
			}
			if c.method != tc.method || c.path != tc.path || c.query != tc.query || c.body != tc.body {
				t.Fatalf("the API saw %s %s ? %s %q", c.method, c.path, c.query, c.body)
			}
			if c.headers.Get("Cookie") != "" || c.headers.Get(console.CSRFHeader) != "" || c.headers.Get("Content-Type") != "application/json" {
				t.Fatalf("forwarded headers %v", c.headers)
			}
		})
	}
}

func TestServer_Proxy_Refusals(t *testing.T) {
	f := newFixture(t, func(c *console.Config) { c.MaxBodyBytes = 16 })
	if rec := f.do(http.MethodGet, "/console/api/iot/things", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("no session: %d", rec.Code)
	}
	s := f.signIn(t)
	if rec := f.do(http.MethodGet, "/console/api/s3/bucket", "", "Cookie", s.cookie); rec.Code != http.StatusNotFound ||
		errorType(rec) != "UnknownOperationException" {
		t.Fatalf("unknown service: %d %q", rec.Code, errorType(rec))
	}
	rec := f.do(http.MethodPost, "/console/api/iotdata/topics/a", strings.Repeat("x", 17), "Cookie", s.cookie, console.CSRFHeader, s.csrf)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("large body: %d", rec.Code)
	}
	if len(f.api.calls) != 0 {
		t.Fatalf("the API saw %d refused requests", len(f.api.calls))
	}
}

func TestServer_MQTTURL_PresignedForTheBroker(t *testing.T) {
	f := newFixture(t)
	s := f.signIn(t)
	if rec := f.do(http.MethodGet, "/console/mqtt-url", "", "Cookie", s.cookie); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", rec.Code)
	}
	rec := f.do(http.MethodPost, "/console/mqtt-url", "", "Cookie", s.cookie, console.CSRFHeader, s.csrf)
	if rec.Code != http.StatusOK {
		t.Fatalf("mqtt-url: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		URL       string
		ClientID  string
		ExpiresAt time.Time
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(out.URL)
	if err != nil || u.Scheme != "wss" || u.Host != testHost || u.Path != "/mqtt" || out.ClientID != "web-elf" ||
		u.Query().Get("X-Amz-Expires") != "300" || !out.ExpiresAt.Equal(f.clock.Now().Add(5*time.Minute)) {
		t.Fatalf("mqtt-url answered %+v", out)
	}
	// The server side of the WebSocket upgrade checks it as hob's /mqtt does.
	verify := func() error {
		r := httptest.NewRequest(http.MethodGet, "https://"+testHost+u.RequestURI(), nil)
		_, err := f.api.authn.AuthenticatePresigned(r, "iotdevicegateway", "iotdata")
		return err
	}
	if err := verify(); err != nil {
		t.Fatalf("presigned URL refused: %v", err)
	}
	f.clock.Add(5*time.Minute + time.Second)
	if err := verify(); err == nil {
		t.Fatal("presigned URL accepted after it expired")
	}
}
