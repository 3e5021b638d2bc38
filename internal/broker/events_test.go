package broker

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_Events_PresenceAndSubscriptions(t *testing.T) {
	s := newServer(t, nil, nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "$aws/events/presence/+/dev-1", "$aws/events/subscriptions/+/dev-1")

	c := dial(t, s, packet.V311, "dev-1")
	c.subscribe(1, "a/b", "c/#")
	c.send(&packet.Unsubscribe{PacketID: 3, Filters: []string{"a/b"}})
	expect[*packet.Unsuback](c)
	c.send(&packet.Disconnect{})
	c.expectClosed()

	want := []struct{ topic, kind string }{
		{"$aws/events/presence/connected/dev-1", "connected"},
		{"$aws/events/subscriptions/subscribed/dev-1", "subscribed"},
		{"$aws/events/subscriptions/unsubscribed/dev-1", "unsubscribed"},
		{"$aws/events/presence/disconnected/dev-1", "disconnected"},
	}
	var session string
	for _, w := range want {
		m := expect[*packet.Publish](watch)
		watch.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m.PacketID})
		var ev map[string]any
		if err := json.Unmarshal(m.Payload, &ev); err != nil {
			t.Fatal(err)
		}
		if m.Topic != w.topic || ev["eventType"] != w.kind || ev["clientId"] != "dev-1" ||
			ev["principalIdentifier"] != "dev-1-cert" {
			t.Errorf("event on %s: %s", m.Topic, m.Payload)
		}
		ts, _ := ev["timestamp"].(float64)
		if d := time.Since(time.UnixMilli(int64(ts))); d < 0 || d > time.Minute {
			t.Errorf("timestamp %v is not Unix milliseconds (spec §6 gotcha 1)", ev["timestamp"])
		}
		if session == "" {
			session, _ = ev["sessionIdentifier"].(string)
		} else if ev["sessionIdentifier"] != session {
			t.Errorf("sessionIdentifier changed within one connection")
		}
		switch w.kind {
		case "connected":
			if ev["ipAddress"] != "" && ev["ipAddress"] != nil || ev["versionNumber"] != 0.0 {
				t.Errorf("connected event %s", m.Payload)
			}
		case "subscribed":
			if topics, _ := ev["topics"].([]any); len(topics) != 2 {
				t.Errorf("topics %v", ev["topics"])
			}
		case "disconnected":
			if ev["clientInitiatedDisconnect"] != true || ev["disconnectReason"] != "CLIENT_INITIATED_DISCONNECT" {
				t.Errorf("disconnected event %s", m.Payload)
			}
		}
	}
}

func TestServer_Events_DisconnectReasons(t *testing.T) {
	s := newServer(t, newFakeAuth("iot:Publish topic/forbidden"), nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(0, "$aws/events/presence/disconnected/+")
	reason := func() string {
		t.Helper()
		var ev map[string]any
		_ = json.Unmarshal(expect[*packet.Publish](watch).Payload, &ev)
		return ev["disconnectReason"].(string)
	}
	c := dial(t, s, packet.V311, "lost")
	_ = c.nc.Close()
	if r := reason(); r != "CONNECTION_LOST" {
		t.Errorf("got %s", r)
	}
	c = dial(t, s, packet.V311, "bad")
	c.send(&packet.Publish{Topic: "forbidden"})
	c.expectClosed()
	if r := reason(); r != "FORBIDDEN_ACCESS" {
		t.Errorf("got %s", r)
	}
	c = dial(t, s, packet.V311, "twice")
	c.send(&packet.Connect{Version: packet.V311, ClientID: "twice", CleanStart: true})
	c.expectClosed()
	if r := reason(); r != "CLIENT_ERROR" {
		t.Errorf("got %s", r)
	}
	c = dial(t, s, packet.V311, "dup")
	done := c.readAll()
	dial(t, s, packet.V311, "dup")
	<-done
	if r := reason(); r != "DUPLICATE_CLIENTID" {
		t.Errorf("got %s", r)
	}
	dial(t, s, packet.V311, "wild+card") // no events for ids with + or # (spec §4.3)
	watch.expectSilence(50 * time.Millisecond)
}

func TestServer_Events_NeedReceivePermission(t *testing.T) {
	s := newServer(t, newFakeAuth("iot:Receive topic/$aws/events/*"), nil)
	watch := dial(t, s, packet.V5, "watch")
	watch.subscribe(1, "$aws/events/presence/+/+")
	dial(t, s, packet.V5, "dev")
	watch.expectSilence(50 * time.Millisecond)
}

// recorder is a Consumer that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	msgs []*Message
}

func (r *recorder) Consume(m *Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

func (r *recorder) topics() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		out = append(out, m.Topic)
	}
	return out
}

func TestServer_AddConsumer_SeesClientAndInProcessMessages(t *testing.T) {
	s := newServer(t, newFakeAuth("iot:Publish topic/$aws/things/blocked/*"), nil)
	rec := &recorder{}
	remove, err := s.AddConsumer("$aws/things/+/shadow/#", rec)
	if err != nil {
		t.Fatal(err)
	}
	dev := dial(t, s, packet.V5, "thing1")
	dev.subscribe(1, "$aws/things/thing1/shadow/update/accepted")
	dev.publish("$aws/things/thing1/shadow/update", 1, false, `{"state":{}}`)
	dev.publish("$aws/things/blocked/shadow/update", 1, false, `{}`) // denied: not consumed
	if err := s.Publish(context.Background(), &Message{Topic: "$aws/things/thing1/shadow/update/accepted", QoS: 1, Payload: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	m := expect[*packet.Publish](dev)
	if m.Topic != "$aws/things/thing1/shadow/update/accepted" {
		t.Errorf("in-process publish reached %q", m.Topic)
	}
	want := []string{"$aws/things/thing1/shadow/update", "$aws/things/thing1/shadow/update/accepted"}
	if got := rec.topics(); !slices.Equal(got, want) {
		t.Errorf("consumed %v, want %v", got, want)
	}
	if rec.msgs[0].ClientID != "thing1" || rec.msgs[1].PrincipalID != "hob" {
		t.Errorf("publishers %q and %q", rec.msgs[0].ClientID, rec.msgs[1].PrincipalID)
	}
	remove()
	_ = s.Publish(context.Background(), &Message{Topic: "$aws/things/x/shadow/get"})
	if n := len(rec.topics()); n != 2 {
		t.Errorf("consumed %d after remove", n)
	}
}

func TestServer_Publish_RefusedAfterClose(t *testing.T) {
	s := newServer(t, nil, nil)
	_ = s.Close()
	if err := s.Publish(context.Background(), &Message{Topic: "t"}); err != ErrClosed {
		t.Errorf("Publish after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
