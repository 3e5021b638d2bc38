package broker

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// MQTT 5 subscription features through paho.golang; see
// TestServer_Serve_Paho5Features.

// subOne is a SUBSCRIBE of one filter with options o and, when id > 0,
// Subscription Identifier id.
func subOne(o paho.SubscribeOptions, id int) *paho.Subscribe {
	s := &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{o}}
	if id > 0 {
		s.Properties = &paho.SubscribeProperties{SubscriptionIdentifier: &id}
	}
	return s
}

// retainAndMark publishes a retained message to topic, and returns a
// function that publishes a live marker there: a subscriber whose next
// message is the marker was sent no retained message on subscribing.
func retainAndMark(t *testing.T, e *tlsEnv, id, topic string, q byte) func() {
	t.Helper()
	pub := e.mustConnect5(t, id)
	pub.pub(t, topic, q, true, "retained")
	t.Cleanup(func() { pub.pub(t, topic, 1, true, "") }) // [MQTT-3.3.1-6] clear it
	return func() { pub.pub(t, topic, q, false, "marker") }
}

var features5Subscribe = []feature5{
	{"[MQTT-3.3.4-3] subscription identifiers", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect5(t, "f5subid")
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/subid/a/#", QoS: q}, 7))
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/subid/b", QoS: q}, 268435455))
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/subid/c", QoS: q}, 0))
		pub := e.mustConnect5(t, "f5subidpub")
		for _, tc := range []struct {
			topic string
			id    int // 0: none
		}{{"f5/subid/a/x", 7}, {"f5/subid/b", 268435455}, {"f5/subid/c", 0}} {
			pub.pub(t, tc.topic, q, false, tc.topic)
			m := c.expectMsg(t, tc.topic, tc.topic, q, false)
			if got := m.Properties.SubscriptionIdentifier; tc.id == 0 && got != nil || tc.id != 0 && (got == nil || *got != tc.id) {
				t.Errorf("%s: Subscription Identifier %v, want %d", tc.topic, got, tc.id)
			}
		}
	}},
	{"[MQTT-3.8.3-3] no local", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect5(t, "f5nolocal")
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/nolocal", QoS: q, NoLocal: true}, 0))
		c.pub(t, "f5/nolocal", q, false, "own")
		e.mustConnect5(t, "f5nolocalpub").pub(t, "f5/nolocal", q, false, "other")
		c.expectMsg(t, "f5/nolocal", "other", q, false) // not "own"
	}},
	{"[MQTT-3.3.1-12] [MQTT-3.3.1-13] retain as published", func(t *testing.T, e *tlsEnv, q byte) {
		rap := e.mustConnect5(t, "f5rap")
		rap.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/rap", QoS: q, RetainAsPublished: true}, 0))
		plain := e.mustConnect5(t, "f5norap")
		plain.sub(t, q, "f5/rap")
		pub := e.mustConnect5(t, "f5rappub")
		pub.pub(t, "f5/rap", q, true, "kept")
		t.Cleanup(func() { pub.pub(t, "f5/rap", 1, true, "") })
		rap.expectMsg(t, "f5/rap", "kept", q, true)
		plain.expectMsg(t, "f5/rap", "kept", q, false)
	}},
	{"[MQTT-3.3.1-9] retain handling 0 sends retained on every subscribe", func(t *testing.T, e *tlsEnv, q byte) {
		mark := retainAndMark(t, e, "f5rh0pub", "f5/rh0", q)
		c := e.mustConnect5(t, "f5rh0")
		for range 2 {
			c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/rh0", QoS: q, RetainHandling: 0}, 0))
			c.expectMsg(t, "f5/rh0", "retained", q, true)
		}
		mark()
		c.expectMsg(t, "f5/rh0", "marker", q, false)
	}},
	{"[MQTT-3.3.1-10] retain handling 1 sends retained for a new subscription only", func(t *testing.T, e *tlsEnv, q byte) {
		mark := retainAndMark(t, e, "f5rh1pub", "f5/rh1", q)
		c := e.mustConnect5(t, "f5rh1")
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/rh1", QoS: q, RetainHandling: 1}, 0))
		c.expectMsg(t, "f5/rh1", "retained", q, true)
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/rh1", QoS: q, RetainHandling: 1}, 0))
		mark()
		c.expectMsg(t, "f5/rh1", "marker", q, false)
	}},
	{"[MQTT-3.3.1-11] retain handling 2 sends no retained", func(t *testing.T, e *tlsEnv, q byte) {
		mark := retainAndMark(t, e, "f5rh2pub", "f5/rh2", q)
		c := e.mustConnect5(t, "f5rh2")
		c.subWith(t, subOne(paho.SubscribeOptions{Topic: "f5/rh2", QoS: q, RetainHandling: 2}, 0))
		mark()
		c.expectMsg(t, "f5/rh2", "marker", q, false)
	}},
	{"shared subscription splits messages between members (§4.8.2)", func(t *testing.T, e *tlsEnv, q byte) {
		a, b := e.mustConnect5(t, "f5sharea"), e.mustConnect5(t, "f5shareb")
		for _, c := range []*v5Client{a, b} {
			if sa := c.sub(t, q, "$share/g/f5/shared/+"); sa.Reasons[0] != q {
				t.Fatalf("SUBACK %v", sa.Reasons)
			}
		}
		pub := e.mustConnect5(t, "f5sharepub")
		const n = 10
		for i := range n {
			pub.pub(t, "f5/shared/x", q, false, fmt.Sprint(i))
		}
		got := collect(t, n, a, b)
		all := slices.Sorted(slices.Values(slices.Concat(got...)))
		if len(got[0]) == 0 || len(got[1]) == 0 || len(slices.Compact(all)) != n {
			t.Errorf("members got %v and %v; want %d distinct messages split between both", got[0], got[1], n)
		}
		expectNothing(t, a.msgs, 50*time.Millisecond, "a second copy")
		expectNothing(t, b.msgs, 0, "a second copy")
	}},
	{"[MQTT-3.3.4-9] receive maximum bounds unacknowledged deliveries", func(t *testing.T, e *tlsEnv, q byte) {
		c, _ := e.mustDial5(t, "f5recvmax", opts5{clean: true, recvMax: 2, manualAck: true})
		c.sub(t, q, "f5/recvmax")
		pub := e.mustConnect5(t, "f5recvmaxpub")
		for i := range 4 {
			pub.pub(t, "f5/recvmax", q, false, fmt.Sprint(i))
		}
		first := []*paho.Publish{c.expectMsg(t, "f5/recvmax", "0", q, false), c.expectMsg(t, "f5/recvmax", "1", q, false)}
		expectNothing(t, c.msgs, 150*time.Millisecond, "a third unacknowledged message")
		for _, m := range first {
			if err := c.Ack(m); err != nil {
				t.Fatal(err)
			}
		}
		c.expectMsg(t, "f5/recvmax", "2", q, false)
		c.expectMsg(t, "f5/recvmax", "3", q, false)
	}},
}
