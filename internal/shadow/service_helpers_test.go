package shadow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/postgres"
	"github.com/hob-iot/hob/internal/store/sqlite"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend opens a real store for a test and can reopen it after Close, to
// check what survives a restart.
type backend struct {
	name string
	open func(t *testing.T) (st store.Store, reopen func() store.Store)
}

var backends = []backend{
	{"sqlite", func(t *testing.T) (store.Store, func() store.Store) {
		path := t.TempDir() + "/hob.db"
		open := func() store.Store {
			st, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
		return open(), open
	}},
	{"postgres", func(t *testing.T) (store.Store, func() store.Store) {
		dsn := pgtest.Start(t)
		open := func() store.Store {
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
		return open(), open
	}},
}

// openStore opens the backend's store.
func (b backend) openStore(t *testing.T) store.Store {
	st, _ := b.open(t)
	return st
}

// forEachBackend runs fn once per store engine.
func forEachBackend(t *testing.T, fn func(t *testing.T, st store.Store, reopen func() store.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st, reopen := b.open(t)
			fn(t, st, reopen)
		})
	}
}

// recorder is a Publisher that keeps what it is given, in order.
type recorder struct {
	mu   sync.Mutex
	msgs []message
}

func (r *recorder) Publish(_ context.Context, topic string, payload []byte, qos byte) error {
	if qos != 1 {
		return fmt.Errorf("recorder: qos %d, the service publishes at QoS 1", qos)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, message{topic, append([]byte(nil), payload...)})
	return nil
}

// on returns the payloads published on topic so far.
func (r *recorder) on(topic string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		if m.topic == topic {
			out = append(out, string(m.payload))
		}
	}
	return out
}

// count is the number of messages published so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// waitFor polls until n payloads were published on topic and returns them.
func (r *recorder) waitFor(t *testing.T, topic string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := r.on(topic)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages on %s after 10s, want %d; all: %v", len(got), topic, n, r.topics())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *recorder) topics() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		out = append(out, m.topic)
	}
	return out
}

// clock is a settable Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newService starts a Service on st and closes it when the test ends.
func newService(t *testing.T, st store.Store, o Options) (*Service, *recorder) {
	t.Helper()
	rec := &recorder{}
	s, err := New(st, rec, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, rec
}

// wantErr fails unless err is an *Error with code and a message containing msg.
func wantErr(t *testing.T, err error, code int, msg string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("error = %v, want %d %q", err, code, msg)
	}
	return e
}

// ok returns a function that fails the test on err and returns b as a
// string: ok(t)(s.Get(...)).
func ok(t *testing.T) func(b []byte, err error) string {
	return func(b []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// field decodes doc and returns its top-level key as JSON text.
func field(t *testing.T, doc, key string) string {
	t.Helper()
	v, err := decodeJSON([]byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	m, _ := v.(map[string]any)
	f, ok := m[key]
	if !ok {
		return ""
	}
	return js(f)
}

// dump returns every shadow record as "key -> v<version> value".
func dump(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		return tx.Scan(Table, store.Query{}, func(r store.Record) bool {
			out[r.Key] = fmt.Sprintf("v%d %s", r.Version, r.Value)
			return true
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameDump fails when the store changed.
func sameDump(t *testing.T, before, after map[string]string) {
	t.Helper()
	if !maps.Equal(before, after) {
		t.Fatalf("store changed:\nbefore %v\nafter  %v", before, after)
	}
}
