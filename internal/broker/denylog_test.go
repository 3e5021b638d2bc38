package broker

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/policy"
)

// captureHandler is a slog.Handler that keeps the records it is given.
type captureHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *captureHandler) WithGroup(string) slog.Handler            { return h }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// matching returns the attributes of the records with message msg whose
// action attribute is action.
func (h *captureHandler) matching(msg, action string) []map[string]slog.Value {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]slog.Value
	for _, r := range h.recs {
		if r.Message != msg {
			continue
		}
		attrs := map[string]slog.Value{}
		r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value; return true })
		if attrs["action"].String() == action {
			out = append(out, attrs)
		}
	}
	return out
}

// newLoggedServer starts a broker without a store that logs to h.
func newLoggedServer(t *testing.T, auth Authorizer, h slog.Handler, edit func(*Config)) *Server {
	t.Helper()
	cfg := testConfig()
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg, auth, nil, slog.New(h))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestServer_Deliver_ReceiveDenialLogsAreRateLimited(t *testing.T) {
	h := &captureHandler{}
	auth := newFakeAuth("iot:Receive topic/secret/*")
	s := newLoggedServer(t, auth, h, func(c *Config) { c.DenialLogInterval = time.Hour })
	sub := dial(t, s, packet.V5, "sub")
	sub.subscribe(0, "secret/#")
	pub := dial(t, s, packet.V5, "pub")
	const n = 50
	for i := range n {
		pub.publish("secret/"+string(rune('a'+i%26)), 1, false, "x") // PUBACK: routed
	}
	sub.expectSilence(50 * time.Millisecond)
	if got := s.Stats().DeniedReceive; got != n {
		t.Errorf("DeniedReceive = %d, want %d: every denial is counted", got, n)
	}
	lines := h.matching("broker: denied", actionReceive)
	if len(lines) != 1 {
		t.Fatalf("%d iot:Receive denial lines for %d denials, want 1", len(lines), n)
	}
	if lines[0]["client"].String() != "sub" || lines[0]["resource"].String() != arnOf("topic/secret/a") {
		t.Errorf("first line %v", lines[0])
	}

	// The sweeper reports what was not logged once the interval passed.
	s.sweep(time.Now().Add(2 * time.Hour))
	sums := h.matching("broker: denials not logged", actionReceive)
	if len(sums) != 1 || sums[0]["count"].Uint64() != n-1 || sums[0]["client"].String() != "sub" {
		t.Fatalf("summaries %v, want one with count %d", sums, n-1)
	}
	s.sweep(time.Now().Add(4 * time.Hour))
	if got := len(h.matching("broker: denials not logged", actionReceive)); got != 1 {
		t.Errorf("%d summaries after a second sweep with nothing new, want 1", got)
	}
}

func TestServer_Deliver_ReceiveDenialLoggedAgainAfterInterval(t *testing.T) {
	h := &captureHandler{}
	auth := newFakeAuth("iot:Receive topic/secret")
	s := newLoggedServer(t, auth, h, func(c *Config) { c.DenialLogInterval = 100 * time.Millisecond })
	sub := dial(t, s, packet.V311, "sub")
	sub.subscribe(0, "secret")
	pub := dial(t, s, packet.V311, "pub")
	for range 3 {
		pub.publish("secret", 1, false, "x")
	}
	time.Sleep(120 * time.Millisecond)
	pub.publish("secret", 1, false, "x")
	lines := h.matching("broker: denied", actionReceive)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the first and one after the interval", len(lines))
	}
	if got := lines[1]["suppressed"].Uint64(); got != 2 {
		t.Errorf("second line says %d suppressed, want 2", got)
	}
}

func TestServer_Deliver_ReceiveDenialsUnlimitedWithZeroInterval(t *testing.T) {
	h := &captureHandler{}
	s := newLoggedServer(t, newFakeAuth("iot:Receive topic/secret"), h, func(c *Config) { c.DenialLogInterval = 0 })
	sub := dial(t, s, packet.V311, "sub")
	sub.subscribe(0, "secret")
	pub := dial(t, s, packet.V311, "pub")
	for range 3 {
		pub.publish("secret", 1, false, "x")
	}
	if got := len(h.matching("broker: denied", actionReceive)); got != 3 {
		t.Errorf("%d lines with interval 0, want 3", got)
	}
}

func TestServer_Publish_PublishDenialsAlwaysLogged(t *testing.T) {
	h := &captureHandler{}
	s := newLoggedServer(t, newFakeAuth("iot:Publish topic/no"), h, nil)
	pub := dial(t, s, packet.V5, "pub")
	for range 3 {
		if ack := pub.publish("no", 1, false, "x"); ack.ReasonCode != packet.NotAuthorized {
			t.Fatalf("PUBACK %v", ack.ReasonCode)
		}
	}
	if got := len(h.matching("broker: denied", actionPublish)); got != 3 {
		t.Errorf("%d iot:Publish denial lines for 3 refusals, want 3", got)
	}
}

func TestDenyLog_NoteDoesNotAllocate(t *testing.T) {
	var l denyLog
	denyDecision := policy.Decision{Policy: -1, Statement: -1}
	now := time.Now()
	l.note(denyDecision, "r", now, time.Hour)
	if n := testing.AllocsPerRun(100, func() { l.note(denyDecision, "r", now, time.Hour) }); n != 0 {
		t.Errorf("note allocates %.0f times per suppressed denial", n)
	}
}
