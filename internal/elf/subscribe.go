package elf

import (
	"context"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// subscribe makes every thing listen on its topic for the duration (or
// until interrupted), as client id THING-listener so that it can run beside
// send. Unlike the original, --qos is honoured.
func (s *session) subscribe(ctx context.Context) error {
	topic := func(t *Thing) string { return ThingTopic(s.o.Topic, t.Name, s.o.AppendThingName) }
	things, endpoint, err := s.prepare(ctx, func() ([]*Thing, error) { return s.st.Things, nil },
		func(t *Thing) []string { return []string{topic(t)} })
	if err != nil {
		return err
	}
	var sum counters
	clients, err := s.dialAll(things, listenerID, endpoint, sum.lost(s.out, nil))
	if err != nil {
		return err
	}
	defer disconnectAll(clients)
	handler := func(t *Thing) mqtt.MessageHandler {
		return func(_ mqtt.Client, m mqtt.Message) {
			sum.received.Add(1)
			s.out.Event("received", receivedLine(m.Payload(), m.Topic()),
				map[string]any{"thing": t.Name, "topic": m.Topic(), "message": string(m.Payload()), "bytes": len(m.Payload())})
		}
	}
	for i, t := range things {
		if err := subscribe(clients[i], topic(t), byte(s.o.QoS), handler(t)); err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
		s.out.Event("subscribed", fmt.Sprintf("ELF %s subscribed on topic: %s", t.Name, topic(t)),
			map[string]any{"thing": t.Name, "topic": topic(t), "qos": s.o.QoS})
	}
	select {
	case <-ctx.Done():
	case <-time.After(s.o.Duration):
	}
	return sum.finish(s.out, "subscribe")
}

// listenerID is the client id of a thing's listening connection.
func listenerID(t *Thing) string { return t.Name + listenerSuffix }
