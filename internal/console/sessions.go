package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// session is one signed-in browser: the key it acts as, its CSRF token
// and when it ends.
type session struct {
	keyID   string
	csrf    string
	expires time.Time
}

// sessionID is the SHA-256 of a cookie value: the map never holds a value
// that would let a reader of memory impersonate a user.
type sessionID [sha256.Size]byte

// sessions is the bounded in-memory session table.
type sessions struct {
	max int
	mu  sync.Mutex // guards m
	m   map[sessionID]session
}

func newSessions(max int) *sessions {
	return &sessions{max: max, m: make(map[sessionID]session)}
}

// newToken returns 256 random bits, base64url-encoded.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashCookie(v string) sessionID { return sha256.Sum256([]byte(v)) }

// create starts a session for keyID and returns the cookie value. When
// the table is full it first sweeps expired sessions, then, if still
// full, drops the session that would end soonest.
func (s *sessions) create(keyID string, expires, now time.Time) (cookie string, sess session) {
	cookie = newToken()
	sess = session{keyID: keyID, csrf: newToken(), expires: expires}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.max {
		s.sweepLocked(now)
	}
	if len(s.m) >= s.max {
		s.evictSoonestLocked()
	}
	s.m[hashCookie(cookie)] = sess
	return cookie, sess
}

// sweepLocked removes expired sessions. s.mu must be held.
func (s *sessions) sweepLocked(now time.Time) {
	for id, sess := range s.m {
		if !now.Before(sess.expires) {
			delete(s.m, id)
		}
	}
}

// evictSoonestLocked removes the session that expires first. s.mu must
// be held.
func (s *sessions) evictSoonestLocked() {
	var victim sessionID
	var first time.Time
	for id, sess := range s.m {
		if first.IsZero() || sess.expires.Before(first) {
			victim, first = id, sess.expires
		}
	}
	delete(s.m, victim)
}

// get returns the live session for cookie; an expired one is removed.
func (s *sessions) get(cookie string, now time.Time) (session, bool) {
	id := hashCookie(cookie)
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[id]
	if ok && !now.Before(sess.expires) {
		delete(s.m, id)
		return session{}, false
	}
	return sess, ok
}

// delete ends the session for cookie, if any.
func (s *sessions) delete(cookie string) {
	s.mu.Lock()
	delete(s.m, hashCookie(cookie))
	s.mu.Unlock()
}

// len reports the number of sessions held, expired ones included.
func (s *sessions) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
