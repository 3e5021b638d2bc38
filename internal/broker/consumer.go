package broker

import (
	"context"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/topic"
)

// Consumer receives, in process, the messages whose topic matches the
// filter it was added with: the shadow service and the rules engine
// (issue 3 item 5). Consume runs on the publisher's goroutine, after the
// message passed the policy checks and before the publisher is
// acknowledged, so it must return quickly: queue the work, do not do it.
// m must not be modified; its Payload may be kept.
type Consumer interface {
	Consume(m *Message)
}

// consumerReg is one AddConsumer registration; the index needs a
// comparable key whatever the Consumer's dynamic type.
type consumerReg struct {
	c Consumer
}

// AddConsumer registers c for the messages whose topic matches filter
// (MQTT wildcards; no policy applies). It returns a function that
// removes the registration.
func (s *Server) AddConsumer(filter string, c Consumer) (remove func(), err error) {
	if _, _, shared, _ := topic.ParseShared(filter); shared {
		return nil, fmt.Errorf("broker: consumer filter %q: shared subscriptions are not for consumers", filter)
	}
	if err := topic.ValidateFilter(filter, topic.Limits{}); err != nil {
		return nil, fmt.Errorf("broker: consumer filter: %w", err)
	}
	reg := &consumerReg{c: c}
	if _, err := s.consumers.Subscribe(filter, reg, struct{}{}); err != nil {
		return nil, err
	}
	return func() { s.consumers.Unsubscribe(filter, reg) }, nil
}

// consume hands m to every matching consumer, once each.
func (s *Server) consume(m *Message, rb *routeBuf) {
	rb.chits = s.consumers.AppendMatches(rb.chits[:0], m.Topic)
	for _, h := range rb.chits {
		h.Key.c.Consume(m)
	}
	clear(rb.chits)
	rb.chits = rb.chits[:0]
}

// hobPrincipal is the publisher principal of in-process messages.
const hobPrincipal = "hob"

// Publish routes m, published in process (shadow responses, rule
// republish...), to subscribers and consumers as if a client had
// published it, without policy checks on the publisher; subscribers
// still need iot:Receive. With m.Retain it also updates the retained
// message. It returns once the message is delivered and, for QoS 1 to
// persistent sessions, durable. Publish takes m over: the caller must not
// use it afterwards. QoS 2 is refused unless Config.QoS2.
func (s *Server) Publish(ctx context.Context, m *Message) error {
	if !s.enter() {
		return ErrClosed
	}
	defer s.wg.Done()
	if err := topic.ValidateName(m.Topic, topic.Limits{}); err != nil {
		return fmt.Errorf("broker: publish: %w", err)
	}
	if m.QoS > packet.QoS1 && !(s.cfg.QoS2 && m.QoS == packet.QoS2) {
		return fmt.Errorf("broker: publish: QoS %d is not supported", m.QoS)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.PrincipalID == "" {
		m.PrincipalID = hobPrincipal
	}
	if m.Received.IsZero() {
		m.Received = time.Now()
	}
	m.arn, m.from = s.arn.topic+m.Topic, nil
	var d durable
	if m.Retain {
		if !s.storeRetained(m, &d) {
			return fmt.Errorf("broker: publish: the retained message limit (%d) is reached", s.cfg.MaxRetained)
		}
		if s.clustered() {
			s.shareRetained(m)
		}
	}
	s.route(m, &d)
	return d.wait()
}
