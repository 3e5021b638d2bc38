package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hob-iot/hob/internal/console"
)

func assertSecurityHeaders(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self' wss:") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("security headers missing: %v", h)
	}
}

func TestServer_Static_NotBuilt(t *testing.T) {
	f := newFixture(t)
	rec := f.do(http.MethodGet, "/", "", "Accept", "text/html")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(rec.Body.String(), "not built yet") || !strings.Contains(rec.Body.String(), "Unfinished") {
		t.Fatalf("GET / without assets: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	assertSecurityHeaders(t, rec)
	if rec := f.do(http.MethodGet, "/assets/app.js", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("asset without assets: %d", rec.Code)
	}
}

func TestServer_Static_FromAssets(t *testing.T) {
	assets := fstest.MapFS{
		"index.html":       {Data: []byte("<!doctype html><title>hob</title>")},
		"assets/app-1.js":  {Data: []byte("console.log(1)")},
		"assets/app-1.css": {Data: []byte("body{}")},
	}
	f := newFixture(t, func(c *console.Config) { c.Assets = assets })
	rec := f.do(http.MethodGet, "/", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "<!doctype html><title>hob</title>" {
		t.Fatalf("GET /: %d %s", rec.Code, rec.Body)
	}
	rec = f.do(http.MethodGet, "/assets/app-1.js", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "console.log(1)" || !strings.Contains(rec.Header().Get("Content-Type"), "javascript") {
		t.Fatalf("GET asset: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	assertSecurityHeaders(t, rec)
	for _, p := range []string{"/assets/", "/assets/missing.js", "/assets/../index.html"} {
		if rec := f.do(http.MethodGet, p, ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, rec.Code)
		}
	}
	if rec := f.do(http.MethodPost, "/", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: %d", rec.Code)
	}
	if rec := f.do(http.MethodGet, "/console/nothing", ""); rec.Code != http.StatusNotFound || errorType(rec) != "UnknownOperationException" {
		t.Fatalf("unknown console path: %d %q", rec.Code, errorType(rec))
	}
	assertSecurityHeaders(t, rec)
}

func TestHandles(t *testing.T) {
	for _, tc := range []struct {
		method, path, accept string
		want                 bool
	}{
		{"GET", "/", "text/html,application/xhtml+xml", true},
		{"HEAD", "/", "text/html", true},
		{"GET", "/", "application/json", false},
		{"GET", "/", "", false},
		{"POST", "/", "text/html", false},
		{"GET", "/assets/app.js", "", true},
		{"POST", "/assets/app.js", "", false},
		{"POST", "/console/session", "", true},
		{"DELETE", "/console/api/iot/things/x", "", true},
		{"GET", "/console", "", true},
		{"GET", "/consoles", "", false},
		{"GET", "/things", "text/html", false},
		{"GET", "/mqtt", "text/html", false},
		{"POST", "/topics/assets", "", false},
	} {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		if got := console.Handles(r); got != tc.want {
			t.Errorf("Handles(%s %s, Accept %q) = %v, want %v", tc.method, tc.path, tc.accept, got, tc.want)
		}
	}
}
