package elf

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// ShadowTopic is the prefix of a thing's classic shadow topics, or of a
// named shadow's when name is not empty (AWS: $aws/things/T/shadow[/name/N]).
func ShadowTopic(thing, name string) string {
	if name == "" {
		return "$aws/things/" + thing + "/shadow"
	}
	return "$aws/things/" + thing + "/shadow/name/" + name
}

// shadow runs `elf shadow get|update|delete|watch` for one thing over MQTT.
func (s *session) shadow(ctx context.Context) error {
	var doc []byte
	if s.o.ShadowOp == "update" {
		var err error
		if doc, err = s.shadowDocument(); err != nil {
			return err
		}
	}
	things, endpoint, err := s.prepare(ctx, s.namedThing, func(*Thing) []string { return nil })
	if err != nil {
		return err
	}
	t := things[0]
	if s.o.ShadowOp == "watch" {
		return s.watchShadow(ctx, t, endpoint)
	}
	var sum counters
	c, err := s.dial(t, t.Name, endpoint, func(err error) { sum.lost(s.out, nil)(t, err) })
	if err != nil {
		return err
	}
	defer disconnectAll([]mqtt.Client{c})
	return s.shadowRequest(c, t, s.o.ShadowOp, doc)
}

// namedThing is the thing --thing names.
func (s *session) namedThing() ([]*Thing, error) {
	if t := s.st.Thing(s.o.Thing); t != nil {
		return []*Thing{t}, nil
	}
	var names []string
	for _, t := range s.st.Things {
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("there is no %s in %s (there are: %s): pass --thing", s.o.Thing, s.st.path(thingsFile), strings.Join(names, ", "))
}

func (s *session) shadowDocument() ([]byte, error) {
	if s.o.JSONMessage != "" {
		return readJSONMessage(s.o.JSONMessage)
	}
	if !json.Valid([]byte(s.o.Message)) {
		return nil, usagef(`shadow update: the document is not valid JSON; write e.g. '{"state":{"desired":{"on":true}}}'`)
	}
	return []byte(s.o.Message), nil
}

// shadowRequest publishes on .../op and waits for .../op/accepted or
// .../op/rejected (AWS: the reply goes to the requesting client's
// subscription, so it subscribes first).
func (s *session) shadowRequest(c mqtt.Client, t *Thing, op string, doc []byte) error {
	base := ShadowTopic(t.Name, s.o.ShadowName) + "/" + op
	type reply struct {
		topic   string
		payload []byte
	}
	replies := make(chan reply, 2)
	for _, f := range []string{base + "/accepted", base + "/rejected"} {
		err := subscribe(c, f, 1, func(_ mqtt.Client, m mqtt.Message) {
			select {
			case replies <- reply{m.Topic(), m.Payload()}:
			default:
			}
		})
		if err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	if err := wait(c.Publish(base, 1, false, doc), t.Name+": publishing on "+base); err != nil {
		return err
	}
	select {
	case r := <-replies:
		if strings.HasSuffix(r.topic, "/rejected") {
			return fmt.Errorf("shadow %s of %s was rejected: %s", op, t.Name, r.payload)
		}
		s.out.Event("shadow", string(r.payload), map[string]any{"thing": t.Name, "topic": r.topic, "document": json.RawMessage(r.payload)})
		return nil
	case <-time.After(operationTimeout):
		return fmt.Errorf("shadow %s of %s: no answer on %s/accepted or /rejected within %v", op, t.Name, base, operationTimeout)
	}
}

// watchShadow prints every update/documents and update/delta message of
// the thing's shadow for the duration, as client id THING-listener.
func (s *session) watchShadow(ctx context.Context, t *Thing, endpoint string) error {
	var sum counters
	c, err := s.dial(t, listenerID(t), endpoint, func(err error) { sum.lost(s.out, nil)(t, err) })
	if err != nil {
		return err
	}
	defer disconnectAll([]mqtt.Client{c})
	base := ShadowTopic(t.Name, s.o.ShadowName)
	for _, f := range []string{base + "/update/documents", base + "/update/delta"} {
		err := subscribe(c, f, 1, func(_ mqtt.Client, m mqtt.Message) {
			sum.received.Add(1)
			s.out.Event("received", receivedLine(m.Payload(), m.Topic()),
				map[string]any{"thing": t.Name, "topic": m.Topic(), "message": string(m.Payload())})
		})
		if err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	s.out.Event("subscribed", fmt.Sprintf("ELF %s watching shadow on: %s/update/documents and /update/delta", t.Name, base),
		map[string]any{"thing": t.Name, "topic": base})
	select {
	case <-ctx.Done():
	case <-time.After(s.o.Duration):
	}
	return sum.finish(s.out, "shadow watch")
}
