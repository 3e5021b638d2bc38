package rules

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/rules/eval"
	"github.com/hob-iot/hob/internal/topic"
)

// Message is one message for the rules: what eval.Env needs, plus the
// republish hop count.
type Message struct {
	Topic     string // as published; Handle strips a Basic Ingest prefix itself
	Payload   []byte
	ClientID  string // "" for messages without an MQTT client
	Principal string
	SourceIP  string
	TraceID   string // "" lets the engine make one
	Received  time.Time
	// MQTT 5 properties.
	ContentType       string
	ResponseTopic     string
	CorrelationData   []byte
	PayloadFormatUTF8 bool
	UserProperties    []packet.UserProperty // as the broker has them: converted only for a rule that matches
	// Hops counts the rule republishes that led to this message (0 for a
	// client's message).
	Hops int
	// BasicIngestRule names the rule of a Basic Ingest message; Handle
	// sets it (and IngestTopic, the topic as published) when Topic starts
	// with topic.IngestPrefix, or the caller may set it with Topic already the
	// rest.
	BasicIngestRule string
	IngestTopic     string
}

// basicIngest reports whether m is for one rule by name, and returns the
// rule and the topic it sees.
func basicIngest(m *Message) (name, rest string, ok bool) {
	if m.BasicIngestRule != "" {
		return m.BasicIngestRule, m.Topic, true
	}
	return topic.SplitIngest(m.Topic)
}

// env is the evaluation environment of m.
func (e *Engine) env(m *Message) *eval.Env {
	return &eval.Env{
		Topic: m.Topic, Payload: m.Payload,
		ClientID: m.ClientID, Principal: m.Principal, SourceIP: m.SourceIP, TraceID: m.TraceID,
		AccountID: e.opts.AccountID, Received: m.Received,
		ContentType: m.ContentType, ResponseTopic: m.ResponseTopic, CorrelationData: m.CorrelationData,
		PayloadFormatUTF8: m.PayloadFormatUTF8, UserProperties: pairs(m.UserProperties),
		Lookups: e.opts.Lookups,
	}
}

// pairs converts MQTT 5 user properties to eval's key/value pairs.
func pairs(ps []packet.UserProperty) [][2]string {
	if len(ps) == 0 {
		return nil
	}
	out := make([][2]string, len(ps))
	for i, p := range ps {
		out[i] = [2]string{p.Key, p.Value}
	}
	return out
}

// publishedTopic is the topic m was published on: with its Basic Ingest
// prefix, which the error action reports.
func (m *Message) publishedTopic() string {
	if m.IngestTopic != "" {
		return m.IngestTopic
	}
	return m.Topic
}

// newTraceID returns a random version 4 UUID for traceid() and the error
// action's cloudwatchTraceId. Trace ids are not secrets, so they come from
// math/rand/v2's per-goroutine generator: crypto/rand would cost more than
// the rest of Handle.
func newTraceID() string {
	var u uuid.UUID
	binary.LittleEndian.PutUint64(u[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(u[8:], rand.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// hitBuf is a reusable buffer of FROM-filter matches.
type hitBuf struct{ hits []topic.Hit[*rule, struct{}] }

var hitBufs = sync.Pool{New: func() any { return new(hitBuf) }}

// hopsKey is the context key of the hop count.
type hopsKey struct{}

// WithHops returns ctx carrying the hop count of the message whose rule
// runs actions under it.
func WithHops(ctx context.Context, hops int) context.Context {
	return context.WithValue(ctx, hopsKey{}, hops)
}

// HopsFrom returns the hop count WithHops put in ctx, 0 if none. The
// republish adapter gives the message it publishes HopsFrom(ctx)+1.
func HopsFrom(ctx context.Context) int {
	n, _ := ctx.Value(hopsKey{}).(int)
	return n
}
