package console

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// notBuiltPage is served at / while the front-end is not built. It is
// deliberately plain: no scripts or inline styles, which the CSP forbids.
const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hob console: not built yet</title></head>
<body>
<main>
<h1>hob console: not built yet</h1>
<p><strong>Unfinished:</strong> this hob binary carries the console's backend
(sign-in, sessions, API proxy, MQTT URLs) but not its front-end.</p>
<p>To build it, run <code>make run</code> (it builds <code>web/</code> with npm
and embeds <code>web/dist</code>), or see <code>docs/console.md</code>.</p>
</main>
</body>
</html>
`

// serveStatic serves / (index.html) and /assets/... from the Assets file
// system, or the not-built page at / when there is no index.html.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, methodNotAllowed(r))
		return
	}
	if r.URL.Path == "/" {
		w.Header().Set("Cache-Control", "no-cache")
		if !s.serveFile(w, r, "index.html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, "index.html", time.Time{}, strings.NewReader(notBuiltPage))
		}
		return
	}
	if !s.serveFile(w, r, strings.TrimPrefix(r.URL.Path, "/")) {
		http.NotFound(w, r)
	}
}

// serveFile serves the regular file name from Assets; false when there
// is none.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	if s.cfg.Assets == nil || !fs.ValidPath(name) {
		return false
	}
	f, err := s.cfg.Assets.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			return false
		}
		rs = bytes.NewReader(data)
	}
	http.ServeContent(w, r, name, st.ModTime(), rs)
	return true
}
