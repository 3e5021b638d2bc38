package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/iot"
)

// DataService is the message broker as the iot-data routes use it
// (spec §3.7). app adapts the broker to it.
type DataService interface {
	// Publish routes m to subscribers as if a client had published it;
	// with m.Retain it also sets (or, with an empty payload, deletes) the
	// topic's retained message. Subscribers still need iot:Receive.
	Publish(ctx context.Context, m DataMessage) error
	// RetainedMessage returns the retained message of a topic.
	RetainedMessage(ctx context.Context, topic string) (DataMessage, bool, error)
	// RetainedMessages returns up to limit retained messages whose topics
	// sort after the topic after, in topic order.
	RetainedMessages(ctx context.Context, after string, limit int) ([]DataMessage, error)
}

// DataMessage is one message published over HTTP or kept as a retained
// message, with the MQTT 5 properties iot-data lets a publisher set.
type DataMessage struct {
	Topic           string
	Payload         []byte
	QoS             int // 0 or 1
	Retain          bool
	ContentType     string
	ResponseTopic   string
	CorrelationData []byte
	UTF8Payload     bool          // Payload Format Indicator 1
	Expiry          time.Duration // Message Expiry Interval; 0 is never
	UserProperties  []UserProperty
	Principal       string    // who published it
	LastModified    time.Time // when it was published (retained messages)
}

// UserProperty is one MQTT 5 User Property.
type UserProperty struct {
	Key, Value string
}

// maxListRetained is ListRetainedMessages' largest maxResults (spec §3.7).
const maxListRetained = 200

func (s *Server) dataRoutes() []route {
	return []route{
		dataRoute("Publish", "POST", "/topics/{topic}",
			[]string{"qos", "retain", "contentType", "responseTopic", "messageExpiry"}, s.publish),
		dataRoute("GetRetainedMessage", "GET", "/retainedMessage/{topic}", nil, s.getRetainedMessage),
		dataRoute("ListRetainedMessages", "GET", "/retainedMessage", []string{"nextToken", "maxResults"}, s.listRetainedMessages),
	}
}

type publishOutput struct {
	Message string `json:"message"`
	TraceID string `json:"traceId"`
}

// publish serves Publish: POST /topics/{topic} (spec §3.7, §4.12).
func (s *Server) publish(ctx context.Context, r *Request) (any, error) {
	m, err := parsePublish(r)
	if err != nil {
		return nil, err
	}
	arn := s.cfg.Account.ARN(iot.TypeTopic, m.Topic)
	if !r.Caller.allowed("iot:Publish", arn) || (m.Retain && !r.Caller.allowed("iot:RetainPublish", arn)) {
		return nil, iot.Errorf(iot.ForbiddenException, "the caller's policies do not allow publishing to %s", m.Topic)
	}
	m.Principal = r.Caller.Principal
	if err := s.svc.Data.Publish(ctx, m); err != nil {
		return nil, err
	}
	return publishOutput{Message: "OK", TraceID: uuid.NewString()}, nil
}

type retainedMessageOutput struct {
	Topic            string `json:"topic"`
	Payload          []byte `json:"payload"` // base64, as encoding/json writes []byte
	QoS              int    `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
	UserProperties   []byte `json:"userProperties,omitempty"`
}

// getRetainedMessage serves GetRetainedMessage: GET
// /retainedMessage/{topic}. A certificate caller needs
// iot:GetRetainedMessage on the topic.
func (s *Server) getRetainedMessage(ctx context.Context, r *Request) (any, error) {
	name := r.Label("topic")
	if !r.Caller.allowed("iot:GetRetainedMessage", s.cfg.Account.ARN(iot.TypeTopic, name)) {
		return nil, iot.Errorf(iot.ForbiddenException, "the caller's policies do not allow reading the retained message of %s", name)
	}
	m, ok, err := s.svc.Data.RetainedMessage(ctx, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, iot.Errorf(iot.ResourceNotFoundException, "topic %s has no retained message", name)
	}
	out := retainedMessageOutput{Topic: m.Topic, Payload: m.Payload, QoS: m.QoS,
		LastModifiedTime: m.LastModified.UnixMilli()} // epoch ms (spec §6.1)
	if m.Payload == nil {
		out.Payload = []byte{}
	}
	if len(m.UserProperties) > 0 {
		out.UserProperties = encodeUserProperties(m.UserProperties)
	}
	return out, nil
}

type retainedTopic struct {
	Topic            string `json:"topic"`
	PayloadSize      int    `json:"payloadSize"`
	QoS              int    `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
}

type listRetainedOutput struct {
	RetainedTopics []retainedTopic `json:"retainedTopics"`
	NextToken      string          `json:"nextToken,omitempty"`
}

// listRetainedMessages serves ListRetainedMessages: GET /retainedMessage.
// The nextToken is the last topic of the page, base64url-encoded. A
// certificate caller needs iot:ListRetainedMessages (resource "*" on AWS).
func (s *Server) listRetainedMessages(ctx context.Context, r *Request) (any, error) {
	if !r.Caller.allowed("iot:ListRetainedMessages", "*") {
		return nil, iot.Errorf(iot.ForbiddenException, "the caller's policies do not allow listing retained messages")
	}
	limit, err := r.QueryInt("maxResults", maxListRetained, 1, maxListRetained)
	if err != nil {
		return nil, err
	}
	after, err := base64.RawURLEncoding.DecodeString(r.Query("nextToken"))
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "nextToken %q is not one this API returned", r.Query("nextToken"))
	}
	ms, err := s.svc.Data.RetainedMessages(ctx, string(after), limit+1)
	if err != nil {
		return nil, err
	}
	out := listRetainedOutput{RetainedTopics: []retainedTopic{}}
	if len(ms) > limit {
		ms = ms[:limit]
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(ms[limit-1].Topic))
	}
	for _, m := range ms {
		out.RetainedTopics = append(out.RetainedTopics, retainedTopic{Topic: m.Topic, PayloadSize: len(m.Payload),
			QoS: m.QoS, LastModifiedTime: m.LastModified.UnixMilli()})
	}
	return out, nil
}

// encodeUserProperties writes user properties as iot-data does: a JSON
// array of single-pair objects, [{"k":"v"},...] (spec §3.7).
func encodeUserProperties(ps []UserProperty) []byte {
	arr := make([]map[string]string, len(ps))
	for i, p := range ps {
		arr[i] = map[string]string{p.Key: p.Value}
	}
	b, _ := json.Marshal(arr) // maps of strings always marshal
	return b
}
