package console

import (
	"testing"
	"time"
)

func TestSessions_Create_BoundedCount(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := newSessions(2)
	first, _ := s.create("A", now.Add(time.Hour), now)
	second, _ := s.create("B", now.Add(2*time.Hour), now)
	third, _ := s.create("C", now.Add(3*time.Hour), now)
	if s.len() != 2 {
		t.Fatalf("%d sessions, want 2", s.len())
	}
	if _, ok := s.get(first, now); ok {
		t.Fatal("the session ending soonest was not evicted")
	}
	for _, c := range []string{second, third} {
		if _, ok := s.get(c, now); !ok {
			t.Fatal("a newer session was evicted")
		}
	}
	// Past B's end, a new session sweeps B out instead of evicting C.
	later := now.Add(150 * time.Minute)
	fourth, _ := s.create("D", later.Add(time.Hour), later)
	if _, ok := s.get(third, later); !ok {
		t.Fatal("a live session was evicted while an expired one was held")
	}
	if _, ok := s.get(fourth, later); !ok || s.len() != 2 {
		t.Fatalf("after the sweep: %d sessions", s.len())
	}
}

func TestSessions_KeyedByHash(t *testing.T) {
	now := time.Now()
	s := newSessions(4)
	c, sess := s.create("A", now.Add(time.Hour), now)
	if _, ok := s.m[hashCookie(c)]; !ok {
		t.Fatal("session not keyed by the cookie's hash")
	}
	if sess.csrf == c || len(c) != 43 {
		t.Fatalf("cookie %q, csrf %q", c, sess.csrf)
	}
}
