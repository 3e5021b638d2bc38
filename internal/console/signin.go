package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

// signInRequest is the body of POST /console/session.
type signInRequest struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// sessionResponse describes a session; it never carries the secret.
type sessionResponse struct {
	AccessKeyID string    `json:"accessKeyId"`
	Name        string    `json:"name,omitempty"`
	ExpiresAt   time.Time `json:"expiresAt"`
	CSRFToken   string    `json:"csrfToken"`
}

var (
	errBadCredentials = iot.Errorf(iot.UnauthorizedException, "The access key id or secret access key is wrong.")
	errNotSignedIn    = iot.Errorf(iot.UnauthorizedException, "Not signed in.")
	errExpired        = iot.Errorf(iot.UnauthorizedException, "Session expired, sign in again.")
	errCSRF           = iot.Errorf(iot.ForbiddenException, "The "+CSRFHeader+" header is missing or does not match the session.")
	errOrigin         = iot.Errorf(iot.ForbiddenException, "Cross-origin requests to the console are refused.")
	errContentType    = iot.Errorf(iot.InvalidRequestException, "Sign-in needs Content-Type: application/json.")
)

// signIn checks the credentials and starts a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, errOrigin)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, errContentType)
		return
	}
	now := s.cfg.Now()
	addr := clientAddr(r)
	if wait := s.throttle.wait(addr, now); wait > 0 {
		e := iot.Errorf(iot.ThrottlingException, "Too many failed sign-ins from %s; try again in %d s.", addr, int(wait.Seconds())+1)
		e.HTTPStatus = http.StatusTooManyRequests
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, e)
		return
	}
	var in signInRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, signInMaxBytes))
	if err := dec.Decode(&in); err != nil {
		writeError(w, iot.Errorf(iot.InvalidRequestException, "Sign-in expects JSON {\"accessKeyId\", \"secretAccessKey\"}."))
		return
	}
	key, ok := s.cfg.Keys.Key(in.AccessKeyID)
	// Compare hashes so neither the length nor the content of the secret
	// shows in the timing; an unknown key compares against nothing.
	want := sha256.Sum256([]byte(key.Secret))
	got := sha256.Sum256([]byte(in.SecretAccessKey))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 || !ok || key.Secret == "" {
		s.cfg.Log.InfoContext(r.Context(), "console sign-in refused", "accessKeyId", in.AccessKeyID, "from", addr)
		s.throttle.fail(addr, now)
		writeError(w, errBadCredentials)
		return
	}
	cookie, sess := s.sessions.create(key.ID, now.Add(s.cfg.SessionTTL), now)
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: cookie, Path: "/", MaxAge: int(s.cfg.SessionTTL / time.Second),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	s.cfg.Log.InfoContext(r.Context(), "console sign-in", "accessKey", key)
	writeJSON(w, http.StatusOK, sessionResponse{AccessKeyID: key.ID, Name: key.Name, ExpiresAt: sess.expires.UTC(), CSRFToken: sess.csrf})
}

// current answers GET /console/session.
func (s *Server) current(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	resp := sessionResponse{AccessKeyID: sess.keyID, ExpiresAt: sess.expires.UTC(), CSRFToken: sess.csrf}
	if key, ok := s.cfg.Keys.Key(sess.keyID); ok {
		resp.Name = key.Name
	}
	writeJSON(w, http.StatusOK, resp)
}

// signOut ends the session server-side and clears the cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if _, err := s.session(w, r); err != nil {
		writeError(w, err)
		return
	}
	c, _ := r.Cookie(CookieName)
	s.sessions.delete(c.Value)
	clearCookie(w)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// session returns r's live session, enforcing the CSRF rule (see the
// package doc). A missing, unknown or expired session clears the cookie.
func (s *Server) session(w http.ResponseWriter, r *http.Request) (session, *iot.Error) {
	c, err := r.Cookie(CookieName)
	if errors.Is(err, http.ErrNoCookie) || c.Value == "" {
		return session{}, errNotSignedIn
	}
	sess, ok := s.sessions.get(c.Value, s.cfg.Now())
	if !ok {
		clearCookie(w)
		return session{}, errExpired
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !sameOrigin(r) {
			return session{}, errOrigin
		}
		tok := r.Header.Get(CSRFHeader)
		if subtle.ConstantTimeCompare([]byte(tok), []byte(sess.csrf)) != 1 {
			return session{}, errCSRF
		}
	}
	return sess, nil
}

// sameOrigin reports whether r's Origin header, when sent, names r's host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}
