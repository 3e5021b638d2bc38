package app

import (
	"context"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// dataAdapter serves the api's iot-data routes from the broker: HTTP
// publishes go through (*broker.Server).Publish, under the caller's
// principal, and retained messages are read from its store.
type dataAdapter struct{ b *broker.Server }

// Publish implements api.DataService.
func (d dataAdapter) Publish(ctx context.Context, m api.DataMessage) error {
	bm := &broker.Message{Topic: m.Topic, Payload: m.Payload, QoS: packet.QoS(m.QoS), Retain: m.Retain,
		PrincipalID: m.Principal, Received: time.Now()}
	p := &bm.Properties
	p.ContentType, p.ResponseTopic, p.CorrelationData = m.ContentType, m.ResponseTopic, m.CorrelationData
	if m.UTF8Payload {
		p.PayloadFormatIndicator = 1
	}
	for _, up := range m.UserProperties {
		p.UserProperties = append(p.UserProperties, packet.UserProperty{Key: up.Key, Value: up.Value})
	}
	if m.Expiry > 0 {
		bm.Expiry = bm.Received.Add(m.Expiry)
	}
	err := d.b.Publish(ctx, bm)
	if errors.Is(err, broker.ErrClosed) {
		return iot.Errorf(iot.ServiceUnavailableException, "hob is shutting down")
	}
	return err
}

// RetainedMessage implements api.DataService.
func (d dataAdapter) RetainedMessage(_ context.Context, topic string) (api.DataMessage, bool, error) {
	m, ok := d.b.GetRetained(topic)
	if !ok {
		return api.DataMessage{}, false, nil
	}
	return dataMessage(m), true, nil
}

// RetainedMessages implements api.DataService.
func (d dataAdapter) RetainedMessages(_ context.Context, after string, limit int) ([]api.DataMessage, error) {
	ms := d.b.ListRetained(after, limit)
	out := make([]api.DataMessage, len(ms))
	for i, m := range ms {
		out[i] = dataMessage(m)
	}
	return out, nil
}

// dataMessage is the api's view of a retained message.
func dataMessage(m *broker.Message) api.DataMessage {
	out := api.DataMessage{Topic: m.Topic, Payload: m.Payload, QoS: int(m.QoS), Retain: m.Retain,
		ContentType: m.Properties.ContentType, ResponseTopic: m.Properties.ResponseTopic,
		CorrelationData: m.Properties.CorrelationData, UTF8Payload: m.Properties.PayloadFormatIndicator == 1,
		Principal: m.PrincipalID, LastModified: m.Received}
	for _, up := range m.Properties.UserProperties {
		out.UserProperties = append(out.UserProperties, api.UserProperty{Key: up.Key, Value: up.Value})
	}
	return out
}

var _ api.DataService = dataAdapter{}
