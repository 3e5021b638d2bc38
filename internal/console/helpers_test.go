package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/console"
)

const (
	testKeyID  = "AKIAHOBTEST000000001"
	testSecret = "hob/test+Secret0123456789abcdefghijklmnop"
	testHost   = "hob.example:8443"
)

// fakeKeys is a KeyLookup with one key.
type fakeKeys map[string]auth.AccessKey

func (k fakeKeys) Key(id string) (auth.AccessKey, bool) { v, ok := k[id]; return v, ok }

func testKeys() fakeKeys {
	return fakeKeys{testKeyID: {ID: testKeyID, Secret: testSecret, Name: "admin", Admin: true}}
}

// clock is an adjustable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// apiRecorder is an API handler that authenticates every request with
// hob's real SigV4 Authenticator and records what it saw.
type apiRecorder struct {
	authn *auth.Authenticator
	mu    sync.Mutex
	calls []apiCall
}

type apiCall struct {
	id      auth.Identity
	err     error
	method  string
	path    string
	query   string
	body    string
	headers http.Header
}

func (a *apiRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, err := a.authn.Authenticate(r, body, "iot", "iotdata", "iotdevicegateway")
	a.mu.Lock()
	a.calls = append(a.calls, apiCall{id: id, err: err, method: r.Method, path: r.URL.EscapedPath(),
		query: r.URL.RawQuery, body: string(body), headers: r.Header.Clone()})
	a.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

func (a *apiRecorder) last(t *testing.T) apiCall {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.calls) == 0 {
		t.Fatal("the API saw no request")
	}
	return a.calls[len(a.calls)-1]
}

// fixture is a console over testKeys with an injected clock.
type fixture struct {
	srv   *console.Server
	clock *clock
	api   *apiRecorder
	// seen collects every response, for the no-secret check.
	seen []*httptest.ResponseRecorder
}

func newFixture(t *testing.T, mod ...func(*console.Config)) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	keys := testKeys()
	f.api = &apiRecorder{authn: auth.NewAuthenticator(keys, auth.Options{Now: f.clock.Now})}
	cfg := console.Config{Keys: keys, API: f.api, Now: f.clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	f.srv = console.New(cfg)
	t.Cleanup(func() {
		for _, rec := range f.seen {
			assertNoSecret(t, rec)
		}
	})
	return f
}

// do sends a request to the console; headers are name, value pairs.
func (f *fixture) do(method, target, body string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "https://"+testHost+target, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	f.seen = append(f.seen, rec)
	return rec
}

// signedIn is a session: its cookie and CSRF token.
type signedIn struct {
	cookie string
	csrf   string
}

func (f *fixture) signIn(t *testing.T) signedIn {
	t.Helper()
	rec := f.do(http.MethodPost, "/console/session", signInBody(testKeyID, testSecret), "Content-Type", "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	var out struct{ CSRFToken string }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.CSRFToken == "" {
		t.Fatalf("sign-in body %s: %v", rec.Body, err)
	}
	c := sessionCookie(t, rec)
	return signedIn{cookie: CookieName + "=" + c.Value, csrf: out.CSRFToken}
}

// CookieName is console.CookieName, short.
const CookieName = console.CookieName

func signInBody(id, secret string) string {
	b, _ := json.Marshal(map[string]string{"accessKeyId": id, "secretAccessKey": secret})
	return string(b)
}

func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == console.CookieName {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", console.CookieName, rec.Header().Values("Set-Cookie"))
	return nil
}

// assertNoSecret fails if a response carries the secret, raw or escaped.
func assertNoSecret(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	escaped, _ := json.Marshal(testSecret)
	for _, s := range []string{testSecret, strings.Trim(string(escaped), `"`)} {
		if strings.Contains(rec.Body.String(), s) {
			t.Errorf("a response body carries the secret: %s", rec.Body)
		}
		for name, vs := range rec.Header() {
			for _, v := range vs {
				if strings.Contains(v, s) {
					t.Errorf("response header %s carries the secret", name)
				}
			}
		}
	}
}

func errorType(rec *httptest.ResponseRecorder) string { return rec.Header().Get("x-amzn-ErrorType") }
