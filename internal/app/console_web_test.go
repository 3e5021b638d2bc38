package app_test

import (
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/console"
	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/web"
)

type noKeys struct{}

func (noKeys) Key(string) (auth.AccessKey, bool) { return auth.AccessKey{}, false }

// builtDist is a front-end as Vite lays it out in web/dist.
var builtDist = fstest.MapFS{
	".gitkeep":                   {Data: nil},
	"index.html":                 {Data: []byte(`<!doctype html><title>hob console</title><script type="module" src="/assets/index-abc.js"></script>`)},
	"assets/index-abc.js":        {Data: []byte(`console.log("hob")`)},
	"assets/index-abc.css":       {Data: []byte(`body{margin:0}`)},
	"assets/nested/logo-abc.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

func consoleGet(t *testing.T, h http.Handler, path, accept string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "https://hob.test"+path, nil)
	r.Header.Set("Accept", accept)
	if !console.Handles(r) {
		t.Fatalf("GET %s (Accept %s) is not routed to the console", path, accept)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func mediaType(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	mt, _, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", w.Header().Get("Content-Type"), err)
	}
	return mt
}

// The console serves a built front-end: index.html at /, hashed files
// under /assets/ with their content types, under the CSP. Independent of
// whether web/dist was built.
func TestConsoleWeb_ServesBuiltAssets(t *testing.T) {
	c := console.New(console.Config{Keys: noKeys{}, API: http.NotFoundHandler(), Assets: builtDist})
	w := consoleGet(t, c, "/", "text/html,application/xhtml+xml")
	if w.Code != http.StatusOK || w.Body.String() != string(builtDist["index.html"].Data) ||
		mediaType(t, w) != "text/html" || w.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("GET /: %d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	for path, want := range map[string]string{
		"/assets/index-abc.js":        "text/javascript",
		"/assets/index-abc.css":       "text/css",
		"/assets/nested/logo-abc.svg": "image/svg+xml",
	} {
		w := consoleGet(t, c, path, "*/*")
		if w.Code != http.StatusOK || mediaType(t, w) != want ||
			w.Body.String() != string(builtDist[strings.TrimPrefix(path, "/")].Data) ||
			w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %q, want 200 %s", path, w.Code, w.Header().Get("Content-Type"), want)
		}
	}
	for _, path := range []string{"/assets/missing.js", "/assets/nested", "/assets/../index.html"} {
		if w := consoleGet(t, c, path, "*/*"); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
}

// An unbuilt web/dist (only .gitkeep) serves the "not built yet" page.
func TestConsoleWeb_UnbuiltDist(t *testing.T) {
	c := console.New(console.Config{Keys: noKeys{}, API: http.NotFoundHandler(),
		Assets: fstest.MapFS{".gitkeep": {Data: nil}}})
	w := consoleGet(t, c, "/", "text/html")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "not built yet") || mediaType(t, w) != "text/html" {
		t.Fatalf("GET / with an unbuilt dist: %d %s", w.Code, w.Body)
	}
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/assets/[^"]+\.(js|css))"`)

// hob serves what web.Dist holds: the built index.html and its assets when
// `make web` ran, the "not built yet" page otherwise. Both are checked, so
// the test passes whether or not the front-end was built.
func TestConsoleWeb_EmbeddedDist(t *testing.T) {
	srv := testutil.StartServer(t)
	c := newConsoleClient(t, srv)
	index, err := fs.ReadFile(web.Dist, "index.html")
	code, body, h := c.do(http.MethodGet, "/", "", "Accept", "text/html")
	if err != nil {
		if code != http.StatusOK || !strings.Contains(body, "not built yet") {
			t.Fatalf("GET / without a built web/dist: %d %s", code, body)
		}
		t.Log("web/dist is not built (make web); checked the not-built page")
		return
	}
	if code != http.StatusOK || body != string(index) || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %q, want web/dist/index.html", code, h.Get("Content-Type"))
	}
	refs := assetRef.FindAllStringSubmatch(body, -1)
	if len(refs) == 0 {
		t.Fatalf("web/dist/index.html references no /assets/ script or stylesheet:\n%s", body)
	}
	for _, ref := range refs {
		want := map[string]string{"js": "text/javascript", "css": "text/css"}[ref[2]]
		code, body, h := c.do(http.MethodGet, ref[1], "", "Accept", "*/*")
		data, err := fs.ReadFile(web.Dist, strings.TrimPrefix(ref[1], "/"))
		if err != nil {
			t.Fatalf("%s: %v", ref[1], err)
		}
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), want) || body != string(data) {
			t.Errorf("GET %s: %d %q, want 200 %s", ref[1], code, h.Get("Content-Type"), want)
		}
	}
	// An API client still gets the API at /, not the page.
	if _, _, h := c.do(http.MethodGet, "/", "", "Accept", "application/json"); h.Get("x-amzn-ErrorType") == "" {
		t.Errorf("API GET / was answered by the console")
	}
}
