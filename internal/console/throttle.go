package console

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Sign-in throttling: after signInMaxFailures wrong credentials from one
// client address within signInWindow, that address may not try again
// until the window that began with its first failure has passed. This
// bounds guessing of secret keys through the console; the API's own SigV4
// checks are unaffected.
const (
	signInMaxFailures = 10
	signInWindow      = 5 * time.Minute
	// signInMaxTracked bounds the addresses remembered; when full, the
	// expired entries go, and then the oldest.
	signInMaxTracked = 10000
)

// failures counts one address's failed sign-ins in the window that began
// at since.
type failures struct {
	since time.Time
	count int
}

// signInThrottle remembers failed sign-ins per client address.
type signInThrottle struct {
	mu    sync.Mutex
	addrs map[string]*failures
}

func newSignInThrottle() *signInThrottle { return &signInThrottle{addrs: map[string]*failures{}} }

// wait answers how long addr must wait before trying again (0: it may try
// now).
func (t *signInThrottle) wait(addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.addrs[addr]
	if f == nil {
		return 0
	}
	end := f.since.Add(signInWindow)
	if !now.Before(end) {
		delete(t.addrs, addr)
		return 0
	}
	if f.count < signInMaxFailures {
		return 0
	}
	return end.Sub(now)
}

// fail records a failed sign-in from addr.
func (t *signInThrottle) fail(addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.addrs[addr]
	if f == nil || !now.Before(f.since.Add(signInWindow)) {
		if len(t.addrs) >= signInMaxTracked {
			t.evictLocked(now)
		}
		t.addrs[addr] = &failures{since: now, count: 1}
		return
	}
	f.count++
}

// evictLocked drops expired entries, and the oldest one if none expired.
func (t *signInThrottle) evictLocked(now time.Time) {
	var oldest string
	var oldestSince time.Time
	for a, f := range t.addrs {
		if !now.Before(f.since.Add(signInWindow)) {
			delete(t.addrs, a)
			continue
		}
		if oldest == "" || f.since.Before(oldestSince) {
			oldest, oldestSince = a, f.since
		}
	}
	if len(t.addrs) >= signInMaxTracked {
		delete(t.addrs, oldest)
	}
}

// clientAddr is the address failures are counted against: the peer's IP
// (hob is reached directly or through a TCP load balancer, so no
// forwarding header is trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
