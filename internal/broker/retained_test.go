package broker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_Retained_OnlyExactFilter(t *testing.T) {
	s := newServer(t, nil, nil)
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("home/kitchen/temp", 1, true, "21")

	exact := dial(t, s, packet.V5, "exact")
	exact.subscribe(1, "home/kitchen/temp")
	m := expect[*packet.Publish](exact)
	if !m.Retain || string(m.Payload) != "21" {
		t.Errorf("retained copy %+v: RETAIN must be 1 on a new subscription [MQTT-3.3.1-8]", m)
	}
	wild := dial(t, s, packet.V5, "wild")
	wild.subscribe(1, "home/+/temp", "home/#", "$share/g/home/kitchen/temp")
	wild.expectSilence(50 * time.Millisecond) // AWS: exact filters only (spec §4.5)

	pub.publish("home/kitchen/temp", 0, true, "22")
	if m := expect[*packet.Publish](exact); m.Retain {
		t.Error("live forward with RETAIN 1")
	}
	if m, ok := s.GetRetained("home/kitchen/temp"); !ok || string(m.Payload) != "22" {
		t.Errorf("GetRetained = %v, %v", m, ok)
	}
}

func TestServer_Retained_MQTT_3_3_1_6_EmptyPayloadDeletes(t *testing.T) {
	s := newServer(t, nil, nil)
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("r", 1, true, "v")
	pub.publish("r", 1, true, "")
	if _, ok := s.GetRetained("r"); ok {
		t.Error("an empty retained payload did not delete [MQTT-3.3.1-6]")
	}
	c := dial(t, s, packet.V311, "c")
	c.subscribe(1, "r")
	c.expectSilence(50 * time.Millisecond) // nothing stored [MQTT-3.3.1-7]
	if n := s.Stats().Retained; n != 0 {
		t.Errorf("Retained gauge %d", n)
	}
}

func TestServer_Retained_MQTT_3_3_1_10_RetainHandling(t *testing.T) {
	s := newServer(t, nil, nil)
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("rh", 1, true, "v") // acknowledged, so stored before c subscribes
	c := dial(t, s, packet.V5, "c")
	sub := func(rh packet.RetainHandling) {
		c.send(&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{{Filter: "rh", RetainHandling: rh}}})
		expect[*packet.Suback](c)
	}
	sub(packet.DoNotSendRetained) // [MQTT-3.3.1-11]
	c.expectSilence(30 * time.Millisecond)
	sub(packet.SendRetainedIfNew) // exists already: nothing [MQTT-3.3.1-10]
	c.expectSilence(30 * time.Millisecond)
	sub(packet.SendRetained) // [MQTT-3.3.1-9]
	expect[*packet.Publish](c)
}

func TestServer_ListRetained_PagesInTopicOrder(t *testing.T) {
	s := newServer(t, nil, nil)
	for _, tp := range []string{"c", "a", "b/1", "b"} {
		if err := s.Publish(context.Background(), &Message{Topic: tp, Payload: []byte(tp), Retain: true}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	after := ""
	for {
		page := s.ListRetained(after, 3)
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			got = append(got, m.Topic)
		}
		after = page[len(page)-1].Topic
	}
	if want := "a b b/1 c"; strings.Join(got, " ") != want {
		t.Errorf("ListRetained pages %q, want %q", got, want)
	}
}

func TestServer_Retained_ExpiryRemoves(t *testing.T) {
	s := newServer(t, nil, nil)
	m := &Message{Topic: "exp", Payload: []byte("x"), Retain: true, Expiry: time.Now().Add(50 * time.Millisecond)}
	if err := s.Publish(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.GetRetained("exp"); !ok {
		t.Fatal("not retained")
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok := s.GetRetained("exp"); ok {
		t.Error("expired retained message still returned [MQTT-3.3.2-5]")
	}
	s.sweep(time.Now())
	if n := s.Stats().Retained; n != 0 {
		t.Errorf("sweep left %d retained", n)
	}
}
