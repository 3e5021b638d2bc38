package console

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

// Monitor answers the live figures the overview and rules pages show.
// The app implements it over the broker, the rules engine and an EventLog.
type Monitor interface {
	// Overview answers the broker's figures now and the newest lifecycle
	// events.
	Overview() Overview
	// RuleCounters answers every loaded rule's counters.
	RuleCounters() []RuleCounters
}

// Overview is the answer of GET /console/overview. The message counters
// are totals since hob started; the page derives rates from two answers.
type Overview struct {
	Time        time.Time `json:"time"`
	Connections int64     `json:"connections"`
	MessagesIn  uint64    `json:"messagesIn"`
	MessagesOut uint64    `json:"messagesOut"`
	// MQTTPort is the port of MQTT over TLS, for connection snippets; 0
	// when unknown.
	MQTTPort int `json:"mqttPort,omitempty"`
	// Events are the newest lifecycle events, newest first.
	Events []Event `json:"events"`
}

// Event is one lifecycle event as published on $aws/events/...: its topic
// and its JSON payload.
type Event struct {
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
}

// RuleCounters are one rule's counters since hob started.
type RuleCounters struct {
	RuleName              string `json:"ruleName"`
	Matched               uint64 `json:"matched"`
	Fired                 uint64 `json:"fired"`
	EvalErrors            uint64 `json:"evalErrors"`
	Dropped               uint64 `json:"dropped"`
	ActionsSucceeded      uint64 `json:"actionsSucceeded"`
	ActionsFailed         uint64 `json:"actionsFailed"`
	ErrorActionsSucceeded uint64 `json:"errorActionsSucceeded"`
	ErrorActionsFailed    uint64 `json:"errorActionsFailed"`
}

// errNoMonitor answers the live pages of a console built without a Monitor.
var errNoMonitor = iot.Errorf(iot.ServiceUnavailableException, "This console has no live figures (no monitor configured).")

// serveOverview answers GET /console/overview for a signed-in user.
func (s *Server) serveOverview(w http.ResponseWriter, r *http.Request) {
	if !s.readable(w, r) {
		return
	}
	if s.cfg.Monitor == nil {
		writeError(w, errNoMonitor)
		return
	}
	o := s.cfg.Monitor.Overview()
	if o.Events == nil {
		o.Events = []Event{}
	}
	writeJSON(w, http.StatusOK, o)
}

// serveRuleCounters answers GET /console/rule-counters for a signed-in
// user.
func (s *Server) serveRuleCounters(w http.ResponseWriter, r *http.Request) {
	if !s.readable(w, r) {
		return
	}
	if s.cfg.Monitor == nil {
		writeError(w, errNoMonitor)
		return
	}
	rules := s.cfg.Monitor.RuleCounters()
	if rules == nil {
		rules = []RuleCounters{}
	}
	writeJSON(w, http.StatusOK, struct {
		Rules []RuleCounters `json:"rules"`
	}{rules})
}

// serveCA answers GET /console/ca.pem: the certificate of hob's CA, which
// devices trust in place of AmazonRootCA1, as a download.
func (s *Server) serveCA(w http.ResponseWriter, r *http.Request) {
	if !s.readable(w, r) {
		return
	}
	if len(s.cfg.CACertPEM) == 0 {
		writeError(w, iot.Errorf(iot.ResourceNotFoundException, "This console has no CA certificate to offer."))
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="hob-ca.pem"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(s.cfg.CACertPEM)
}

// readable checks that r is a GET or HEAD with a live session, answering
// the error otherwise.
func (s *Server) readable(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, methodNotAllowed(r))
		return false
	}
	if _, apiErr := s.session(w, r); apiErr != nil {
		writeError(w, apiErr)
		return false
	}
	return true
}

// EventLog keeps the newest lifecycle events for the overview page. It is
// safe for concurrent use; Add copies what it keeps.
type EventLog struct {
	mu     sync.Mutex
	events []Event // a ring of cap Size once full
	next   int     // where the next event goes once full
}

// EventLogSize is how many events an EventLog keeps.
const EventLogSize = 50

// Add records an event; a payload that is not JSON is kept as a JSON
// string.
func (l *EventLog) Add(topic string, payload []byte) {
	var raw json.RawMessage
	if json.Valid(payload) {
		raw = json.RawMessage(append([]byte(nil), payload...))
	} else {
		raw, _ = json.Marshal(string(payload))
	}
	e := Event{Topic: topic, Payload: raw}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) < EventLogSize {
		l.events = append(l.events, e)
		return
	}
	l.events[l.next] = e
	l.next = (l.next + 1) % EventLogSize
}

// Newest answers the kept events, newest first.
func (l *EventLog) Newest() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.events)
	out := make([]Event, 0, n)
	// The oldest event is at next (which stays 0 until the ring is full).
	for k := n - 1; k >= 0; k-- {
		out = append(out, l.events[(l.next+k)%n])
	}
	return out
}
