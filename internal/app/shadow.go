package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/shadow"
	"github.com/hob-iot/hob/internal/telemetry"
)

// shadowUnit is the Device Shadow service wired to the broker: a
// consumer that hands it the requests devices publish on the reserved
// topics, and a publisher for its replies. Close removes the consumer,
// then closes the service (which finishes its queued requests); it is
// idempotent.
type shadowUnit struct {
	svc       *shadow.Service
	remove    func() // the consumer registration
	closeOnce sync.Once
	closeErr  error
}

// openShadow builds the shadow service on the store and the broker and
// registers it for shadow requests.
func (a *App) openShadow() error {
	svc, err := shadow.New(a.st, shadowPublisher{a.broker}, shadow.Options{
		MaxStateBytes:     a.cfg.ShadowMaxStateBytes,
		MaxDepth:          a.cfg.ShadowMaxDepth,
		MaxRequestBytes:   a.cfg.ShadowMaxRequestBytes,
		DeletedVersionTTL: a.cfg.ShadowDeletedVersionTTL,
		Logger:            a.log,
	})
	if err != nil {
		return fmt.Errorf("app: starting the shadow service: %w", err)
	}
	remove, err := a.broker.AddConsumer(shadow.RequestFilter, shadowConsumer{svc})
	if err != nil {
		_ = svc.Close()
		return fmt.Errorf("app: registering the shadow service with the broker: %w", err)
	}
	a.shadow = &shadowUnit{svc: svc, remove: remove}
	a.metricSources = append(a.metricSources, telemetry.SourceFunc(func() []telemetry.Sample {
		return []telemetry.Sample{counter("hob_shadow_requests_dropped_total",
			"MQTT shadow requests dropped unanswered: the service was closed, or its queues and its 429 queue were full",
			nil, float64(svc.Dropped()))}
	}))
	return nil
}

// Close implements io.Closer.
func (u *shadowUnit) Close() error {
	if u == nil {
		return nil
	}
	u.closeOnce.Do(func() {
		u.remove()
		u.closeErr = u.svc.Close()
	})
	return u.closeErr
}

// shadowConsumer hands the messages under $aws/things/+/shadow/ to the
// shadow service, which takes only the request topics: the filter also
// matches the service's own replies (.../get/accepted, .../update/delta...).
type shadowConsumer struct{ svc *shadow.Service }

// Consume implements broker.Consumer. It runs on the publisher's
// goroutine; HandleMQTT only parses the topic and queues a request.
func (c shadowConsumer) Consume(m *broker.Message) { c.svc.HandleMQTT(m.Topic, m.Payload) }

// shadowPublisher publishes the service's replies through the broker, in
// process: subscribers still need iot:Receive, as on AWS.
type shadowPublisher struct{ b *broker.Server }

// Publish implements shadow.Publisher.
func (p shadowPublisher) Publish(ctx context.Context, topic string, payload []byte, qos byte) error {
	return p.b.Publish(ctx, &broker.Message{Topic: topic, Payload: payload, QoS: packet.QoS(qos)})
}

var (
	_ broker.Consumer  = shadowConsumer{}
	_ shadow.Publisher = shadowPublisher{}
)
