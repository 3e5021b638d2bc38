package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/console"
	"github.com/hob-iot/hob/internal/testutil"
)

// consoleClient is a browser-like client: a cookie jar and the CSRF token.
type consoleClient struct {
	t    *testing.T
	srv  *testutil.Server
	http *http.Client
	csrf string
}

func newConsoleClient(t *testing.T, srv *testutil.Server) *consoleClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.HTTPClient(t)
	c.Jar = jar
	return &consoleClient{t: t, srv: srv, http: c}
}

// do sends a console request and returns the status and body, failing
// the test if the body carries the secret.
func (c *consoleClient) do(method, path, body string, hdr ...string) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set(console.CSRFHeader, c.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), c.srv.SecretAccessKey) || strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), " "), c.srv.SecretAccessKey) {
		c.t.Fatalf("%s %s answered the secret", method, path)
	}
	return resp.StatusCode, string(b), resp.Header
}

func (c *consoleClient) signIn() {
	c.t.Helper()
	in, _ := json.Marshal(map[string]string{"accessKeyId": c.srv.AccessKeyID, "secretAccessKey": c.srv.SecretAccessKey})
	code, body, _ := c.do(http.MethodPost, "/console/session", string(in))
	var out struct{ CSRFToken string }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil || out.CSRFToken == "" {
		c.t.Fatalf("sign-in: %d %s", code, body)
	}
	c.csrf = out.CSRFToken
}

func TestConsole_SignInProxyAndMQTT(t *testing.T) {
	srv := testutil.StartServer(t)
	c := newConsoleClient(t, srv)
	if code, _, _ := c.do(http.MethodGet, "/console/api/iot/things", ""); code != http.StatusUnauthorized {
		t.Fatalf("proxy before sign-in: %d", code)
	}
	c.signIn()

	code, body, _ := c.do(http.MethodPost, "/console/api/iot/things/console-thing", `{}`)
	if code != http.StatusOK || !strings.Contains(body, `"thingName":"console-thing"`) {
		t.Fatalf("CreateThing through the console: %d %s", code, body)
	}
	code, body, _ = c.do(http.MethodGet, "/console/api/iot/things?maxResults=5", "")
	if code != http.StatusOK || !strings.Contains(body, "console-thing") {
		t.Fatalf("ListThings through the console: %d %s", code, body)
	}
	code, body, _ = c.do(http.MethodGet, "/console/api/iot/things/no-such-thing", "")
	if code != http.StatusNotFound || !strings.Contains(body, `"message"`) {
		t.Fatalf("an API error passes through: %d %s", code, body)
	}

	code, body, _ = c.do(http.MethodPost, "/console/mqtt-url", "")
	var mu struct{ URL, ClientID string }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &mu) != nil {
		t.Fatalf("mqtt-url: %d %s", code, body)
	}
	wsRoundTrip(t, srv, mu.URL, mu.ClientID)
	waitOverviewEvent(t, c, `"eventType":"connected"`, `"clientId":"`+mu.ClientID+`"`)
	caPEM, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := c.do(http.MethodGet, "/console/ca.pem", ""); code != http.StatusOK || body != string(caPEM) {
		t.Fatalf("ca.pem: %d %q", code, body)
	}
	if code, body, _ := c.do(http.MethodGet, "/console/rule-counters", ""); code != http.StatusOK || body != `{"rules":[]}` {
		t.Fatalf("rule-counters with no rules: %d %s", code, body)
	}

	if code, _, _ := c.do(http.MethodDelete, "/console/session", ""); code != http.StatusNoContent {
		t.Fatalf("sign-out: %d", code)
	}
	if code, _, _ := c.do(http.MethodGet, "/console/session", ""); code != http.StatusUnauthorized {
		t.Fatalf("session after sign-out: %d", code)
	}
}

func TestConsole_WrongSecret_NoCookie(t *testing.T) {
	srv := testutil.StartServer(t)
	c := newConsoleClient(t, srv)
	in, _ := json.Marshal(map[string]string{"accessKeyId": srv.AccessKeyID, "secretAccessKey": "wrong"})
	code, body, h := c.do(http.MethodPost, "/console/session", string(in))
	if code != http.StatusUnauthorized || h.Get("x-amzn-ErrorType") != "UnauthorizedException" ||
		h.Get("Set-Cookie") != "" || !strings.Contains(body, `"message"`) {
		t.Fatalf("wrong secret: %d %q %s", code, h.Get("Set-Cookie"), body)
	}
}

func TestConsole_RoutesLeaveTheAPIAlone(t *testing.T) {
	srv := testutil.StartServer(t)
	c := newConsoleClient(t, srv)
	code, body, h := c.do(http.MethodGet, "/", "", "Accept", "text/html")
	// The built front-end (web/dist) or, unbuilt, the "not built yet" page:
	// console_web_test.go checks which.
	if code != http.StatusOK || !strings.Contains(body, "<title>hob console") || h.Get("Content-Security-Policy") == "" {
		t.Fatalf("browser GET /: %d %s", code, body)
	}
	// An API client's GET / and an unknown path still get the API's error.
	for _, p := range []string{"/", "/no-such-operation"} {
		code, _, h := c.do(http.MethodGet, p, "", "Accept", "application/json")
		if h.Get("x-amzn-ErrorType") == "" || h.Get("Content-Security-Policy") != "" {
			t.Fatalf("API GET %s: %d %q, want the API's error", p, code, h.Get("x-amzn-ErrorType"))
		}
	}
}

// waitOverviewEvent polls GET /console/overview until one lifecycle event
// contains every part, failing after 10 s; the overview's counters must
// have seen traffic by then.
func waitOverviewEvent(t *testing.T, c *consoleClient, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body, _ := c.do(http.MethodGet, "/console/overview", "")
		var o struct {
			MessagesIn int
			Events     []struct{ Payload json.RawMessage }
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &o) != nil {
			t.Fatalf("overview: %d %s", code, body)
		}
		for _, e := range o.Events {
			if containsAll(string(e.Payload), parts) && o.MessagesIn > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no lifecycle event with %q in the overview: %s", parts, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
