package console_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/console"
)

func TestServer_SignIn_GoodKey(t *testing.T) {
	f := newFixture(t)
	rec := f.do(http.MethodPost, "/console/session", signInBody(testKeyID, testSecret), "Content-Type", "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		AccessKeyID string
		ExpiresAt   time.Time
		CSRFToken   string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.AccessKeyID != testKeyID || !out.ExpiresAt.Equal(f.clock.Now().Add(console.DefaultSessionTTL)) || len(out.CSRFToken) < 40 {
		t.Fatalf("sign-in answered %+v", out)
	}
	c := sessionCookie(t, rec)
	if len(c.Value) != 43 || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" ||
		c.MaxAge != int(console.DefaultSessionTTL/time.Second) {
		t.Fatalf("cookie %q lacks an attribute", rec.Header().Get("Set-Cookie"))
	}
	if c.Value == out.CSRFToken {
		t.Fatal("the CSRF token is the cookie")
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
}

func TestServer_SignIn_BadCredentials(t *testing.T) {
	f := newFixture(t)
	for name, body := range map[string]string{
		"wrong secret":       signInBody(testKeyID, testSecret+"x"),
		"secret prefix":      signInBody(testKeyID, testSecret[:10]),
		"unknown key":        signInBody("AKIAUNKNOWN", testSecret),
		"unknown key, empty": signInBody("AKIAUNKNOWN", ""),
		"empty secret":       signInBody(testKeyID, ""),
		"nothing":            `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			rec := f.do(http.MethodPost, "/console/session", body, "Content-Type", "application/json")
			if rec.Code != http.StatusUnauthorized || errorType(rec) != "UnauthorizedException" ||
				!strings.Contains(rec.Body.String(), `"message":`) {
				t.Fatalf("got %d %q %s", rec.Code, errorType(rec), rec.Body)
			}
			if rec.Header().Get("Set-Cookie") != "" {
				t.Fatalf("a refused sign-in set a cookie: %q", rec.Header().Get("Set-Cookie"))
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		rec := f.do(http.MethodPost, "/console/session", "accessKeyId=x", "Content-Type", "application/x-www-form-urlencoded")
		if rec.Code != http.StatusBadRequest || errorType(rec) != "InvalidRequestException" || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("form post: %d %q", rec.Code, errorType(rec))
		}
		rec = f.do(http.MethodPost, "/console/session", "{", "Content-Type", "application/json")
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("broken JSON: %d", rec.Code)
		}
	})
	t.Run("cross-origin", func(t *testing.T) {
		rec := f.do(http.MethodPost, "/console/session", signInBody(testKeyID, testSecret),
			"Content-Type", "application/json", "Origin", "https://evil.example")
		if rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("cross-origin sign-in: %d", rec.Code)
		}
	})
}

func TestServer_Session_CurrentAndExpiry(t *testing.T) {
	f := newFixture(t, func(c *console.Config) { c.SessionTTL = time.Hour })
	if rec := f.do(http.MethodGet, "/console/session", ""); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "Not signed in") {
		t.Fatalf("no cookie: %d %s", rec.Code, rec.Body)
	}
	s := f.signIn(t)
	rec := f.do(http.MethodGet, "/console/session", "", "Cookie", s.cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), testKeyID) || !strings.Contains(rec.Body.String(), s.csrf) {
		t.Fatalf("current session: %d %s", rec.Code, rec.Body)
	}
	f.clock.Add(59 * time.Minute)
	if rec := f.do(http.MethodGet, "/console/session", "", "Cookie", s.cookie); rec.Code != http.StatusOK {
		t.Fatalf("before expiry: %d", rec.Code)
	}
	f.clock.Add(time.Minute)
	rec = f.do(http.MethodGet, "/console/session", "", "Cookie", s.cookie)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Session expired, sign in again") {
		t.Fatalf("after expiry: %d %s", rec.Code, rec.Body)
	}
	if c := sessionCookie(t, rec); c.MaxAge >= 0 {
		t.Fatalf("expired session's cookie not cleared: %q", rec.Header().Get("Set-Cookie"))
	}
	if rec := f.do(http.MethodPost, "/console/mqtt-url", "", "Cookie", s.cookie, console.CSRFHeader, s.csrf); rec.Code != http.StatusUnauthorized {
		t.Fatalf("expired session got an MQTT URL: %d", rec.Code)
	}
}

func TestServer_SignOut_InvalidatesSession(t *testing.T) {
	f := newFixture(t)
	s := f.signIn(t)
	if rec := f.do(http.MethodDelete, "/console/session", "", "Cookie", s.cookie); rec.Code != http.StatusForbidden {
		t.Fatalf("sign-out without CSRF header: %d", rec.Code)
	}
	rec := f.do(http.MethodDelete, "/console/session", "", "Cookie", s.cookie, console.CSRFHeader, s.csrf)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("sign-out: %d %s", rec.Code, rec.Body)
	}
	if c := sessionCookie(t, rec); c.MaxAge >= 0 || c.Value != "" {
		t.Fatalf("sign-out left the cookie: %q", rec.Header().Get("Set-Cookie"))
	}
	// The old cookie, replayed, is dead on the server.
	if rec := f.do(http.MethodGet, "/console/session", "", "Cookie", s.cookie); rec.Code != http.StatusUnauthorized {
		t.Fatalf("session after sign-out: %d", rec.Code)
	}
	if rec := f.do(http.MethodGet, "/console/api/iot/things", "", "Cookie", s.cookie); rec.Code != http.StatusUnauthorized {
		t.Fatalf("proxy after sign-out: %d", rec.Code)
	}
}

func TestServer_CSRF_RequiredOnStateChanges(t *testing.T) {
	f := newFixture(t)
	s := f.signIn(t)
	other := f.signIn(t)
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "/console/mqtt-url"},
		{http.MethodPost, "/console/api/iotdata/topics/a"},
		{http.MethodDelete, "/console/api/iot/things/x"},
		{http.MethodDelete, "/console/session"},
	} {
		for name, hdr := range map[string][]string{
			"no header":             {"Cookie", s.cookie},
			"wrong token":           {"Cookie", s.cookie, console.CSRFHeader, s.csrf + "x"},
			"another session token": {"Cookie", s.cookie, console.CSRFHeader, other.csrf},
			"cross origin":          {"Cookie", s.cookie, console.CSRFHeader, s.csrf, "Origin", "https://evil.example"},
		} {
			rec := f.do(tc.method, tc.path, "{}", hdr...)
			if rec.Code != http.StatusForbidden || errorType(rec) != "ForbiddenException" {
				t.Errorf("%s %s, %s: %d %q", tc.method, tc.path, name, rec.Code, errorType(rec))
			}
		}
	}
	if len(f.api.calls) != 0 {
		t.Fatalf("the API saw %d requests refused for CSRF", len(f.api.calls))
	}
	rec := f.do(http.MethodPost, "/console/mqtt-url", "", "Cookie", s.cookie, console.CSRFHeader, s.csrf, "Origin", "https://"+testHost)
	if rec.Code != http.StatusOK {
		t.Fatalf("same-origin request with the token: %d %s", rec.Code, rec.Body)
	}
}
