package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/console"
)

// fakeMonitor answers fixed figures, so the test sees them pass through.
type fakeMonitor struct{ events *console.EventLog }

func (m fakeMonitor) Overview() console.Overview {
	return console.Overview{Time: time.Unix(100, 0).UTC(), Connections: 3, MessagesIn: 40, MessagesOut: 50,
		Events: m.events.Newest()}
}

func (m fakeMonitor) RuleCounters() []console.RuleCounters {
	return []console.RuleCounters{{RuleName: "r1", Matched: 7, Fired: 5, ActionsFailed: 1}}
}

func TestServer_Overview_NeedsSessionAndAnswersFigures(t *testing.T) {
	log := &console.EventLog{}
	log.Add("$aws/events/presence/connected/a", []byte(`{"clientId":"a","eventType":"connected"}`))
	log.Add("$aws/events/presence/disconnected/a", []byte(`not json`))
	f := newFixture(t, func(c *console.Config) {
		c.Monitor = fakeMonitor{log}
		c.CACertPEM = []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	})
	for _, p := range []string{"/console/overview", "/console/rule-counters", "/console/ca.pem"} {
		if rec := f.do(http.MethodGet, p, ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s without a session: %d, want 401", p, rec.Code)
		}
	}
	s := f.signIn(t)
	rec := f.do(http.MethodGet, "/console/overview", "", "Cookie", s.cookie)
	var o struct {
		Connections, MessagesIn, MessagesOut int
		Events                               []struct {
			Topic   string
			Payload json.RawMessage
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("overview: %d %s %v", rec.Code, rec.Body, err)
	}
	if o.Connections != 3 || o.MessagesIn != 40 || o.MessagesOut != 50 || len(o.Events) != 2 ||
		o.Events[0].Topic != "$aws/events/presence/disconnected/a" || string(o.Events[0].Payload) != `"not json"` ||
		!strings.Contains(string(o.Events[1].Payload), `"connected"`) {
		t.Fatalf("overview answered %s", rec.Body)
	}
	rec = f.do(http.MethodGet, "/console/rule-counters", "", "Cookie", s.cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `{"ruleName":"r1","matched":7,"fired":5,`) {
		t.Fatalf("rule counters: %d %s", rec.Code, rec.Body)
	}
	rec = f.do(http.MethodGet, "/console/ca.pem", "", "Cookie", s.cookie)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "-----BEGIN CERTIFICATE-----") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("ca.pem: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if rec := f.do(http.MethodPost, "/console/overview", "", "Cookie", s.cookie, console.CSRFHeader, s.csrf); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /console/overview: %d", rec.Code)
	}
}

func TestServer_Overview_WithoutMonitorSaysSo(t *testing.T) {
	f := newFixture(t)
	s := f.signIn(t)
	rec := f.do(http.MethodGet, "/console/overview", "", "Cookie", s.cookie)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "no live figures") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestEventLog_KeepsTheNewestFirst(t *testing.T) {
	log := &console.EventLog{}
	total := console.EventLogSize + 7
	for i := range total {
		log.Add(fmt.Sprintf("t/%d", i), []byte(fmt.Sprint(i)))
	}
	got := log.Newest()
	if len(got) != console.EventLogSize {
		t.Fatalf("kept %d events, want %d", len(got), console.EventLogSize)
	}
	for k, e := range got {
		if want := fmt.Sprintf("t/%d", total-1-k); e.Topic != want {
			t.Fatalf("event %d is %s, want %s", k, e.Topic, want)
		}
	}
}

// After ten wrong secrets from one address, even the right one is refused
// with 429 until the window has passed; then sign-in works again.
func TestServer_SignIn_ThrottlesGuessing(t *testing.T) {
	f := newFixture(t)
	for range 10 {
		if rec := f.do(http.MethodPost, "/console/session", signInBody(testKeyID, "wrong"), "Content-Type", "application/json"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong secret: %d", rec.Code)
		}
	}
	rec := f.do(http.MethodPost, "/console/session", signInBody(testKeyID, testSecret), "Content-Type", "application/json")
	if rec.Code != http.StatusTooManyRequests || errorType(rec) != "ThrottlingException" || rec.Header().Get("Retry-After") == "" ||
		rec.Header().Get("Set-Cookie") != "" || !strings.Contains(rec.Body.String(), "Too many failed sign-ins") {
		t.Fatalf("11th attempt: %d %q %v %s", rec.Code, errorType(rec), rec.Header(), rec.Body)
	}
	f.clock.Add(5*time.Minute + time.Second)
	f.signIn(t)
}
