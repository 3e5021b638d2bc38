package console

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/iot"
)

// Names and defaults of the console's HTTP surface.
const (
	// CookieName is the session cookie.
	CookieName = "hob_session"
	// CSRFHeader must carry the session's CSRF token on every request
	// with a session whose method is not GET or HEAD.
	CSRFHeader = "X-Hob-CSRF"
	// DefaultSessionTTL is how long a session lasts when
	// Config.SessionTTL is 0.
	DefaultSessionTTL = 12 * time.Hour
	// DefaultMaxSessions bounds the live sessions when
	// Config.MaxSessions is 0.
	DefaultMaxSessions = 1024
	// MQTTURLExpiry is the validity of a presigned MQTT URL.
	MQTTURLExpiry = 5 * time.Minute
	// MQTTClientID is the client id the console suggests for its MQTT
	// test client, as in the AWS walk-through.
	MQTTClientID = "web-elf"
	// faviconPath is the console's icon (web/public), which index.html
	// names so that browsers do not ask the API for /favicon.ico.
	faviconPath = "/favicon.svg"
	// signInMaxBytes bounds a sign-in body.
	signInMaxBytes = 64 << 10
	// defaultMaxBodyBytes bounds a proxied body when Config.MaxBodyBytes
	// is 0.
	defaultMaxBodyBytes = 1 << 20
)

// KeyLookup finds an access key, secret included. *auth.Keys satisfies it.
type KeyLookup interface {
	Key(accessKeyID string) (auth.AccessKey, bool)
}

// Config configures a Server. Keys and API are required.
type Config struct {
	// Keys are the access keys users sign in with.
	Keys KeyLookup
	// API is hob's API handler; the proxy calls it with signed requests.
	API http.Handler
	// Assets is the built front-end (index.html, assets/...); nil or
	// empty serves a page saying it is not built.
	Assets fs.FS
	// Region is the region in signatures; "" means us-east-1.
	Region string
	// SessionTTL is a session's lifetime; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// MaxSessions bounds live sessions; 0 means DefaultMaxSessions.
	MaxSessions int
	// MaxBodyBytes bounds a proxied request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Monitor answers the overview's and rules' live figures; nil answers
	// those pages with an error.
	Monitor Monitor
	// CACertPEM is hob's CA certificate, offered at /console/ca.pem.
	CACertPEM []byte
	// Log receives sign-ins and their failures (never secrets); nil
	// discards them.
	Log *slog.Logger
}

// Server is the console's http.Handler. It is safe for concurrent use.
type Server struct {
	cfg      Config
	sessions *sessions
	throttle *signInThrottle
}

// New returns a console over cfg, with defaults filled in.
func New(cfg Config) *Server {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = defaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, sessions: newSessions(cfg.MaxSessions), throttle: newSignInThrottle()}
}

// Handles reports whether r is the console's: anything under /console/,
// GET or HEAD of /assets/... and /favicon.svg, and GET or HEAD of / from a client that
// accepts text/html (a browser). Everything else is the API's, so API
// clients keep their AWS error JSON for unknown paths.
func Handles(r *http.Request) bool {
	p := r.URL.Path
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case p == "/console" || strings.HasPrefix(p, "/console/"):
		return true
	case strings.HasPrefix(p, "/assets/"), p == faviconPath:
		return read
	case p == "/":
		return read && strings.Contains(r.Header.Get("Accept"), "text/html")
	}
	return false
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	p := r.URL.Path
	switch {
	case p == "/console/session":
		s.serveSession(w, r)
	case p == "/console/mqtt-url":
		s.serveMQTTURL(w, r)
	case p == "/console/overview":
		s.serveOverview(w, r)
	case p == "/console/rule-counters":
		s.serveRuleCounters(w, r)
	case p == "/console/ca.pem":
		s.serveCA(w, r)
	case strings.HasPrefix(p, "/console/api/"):
		s.serveProxy(w, r)
	case p == "/" || strings.HasPrefix(p, "/assets/") || p == faviconPath:
		s.serveStatic(w, r)
	default:
		writeError(w, iot.Errorf(iot.UnknownOperationException, "The console has no %s.", p))
	}
}

func (s *Server) serveSession(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		s.signIn(w, r)
	case http.MethodGet:
		s.current(w, r)
	case http.MethodDelete:
		s.signOut(w, r)
	default:
		writeError(w, methodNotAllowed(r))
	}
}

func methodNotAllowed(r *http.Request) *iot.Error {
	return iot.Errorf(iot.MethodNotAllowedException, "%s is not allowed on %s.", r.Method, r.URL.Path)
}

var _ http.Handler = (*Server)(nil)
