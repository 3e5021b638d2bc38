package broker

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestMessage_EncodeStored_RoundTrip(t *testing.T) {
	now := time.UnixMilli(time.Now().UnixMilli())
	m := &Message{Topic: "a/b", Payload: []byte("payload"), QoS: 1, Expiry: now.Add(time.Minute), Received: now}
	m.Properties.ContentType = "text/plain"
	m.Properties.CorrelationData = []byte{9}
	m.Properties.UserProperties = []packet.UserProperty{{Key: "k", Value: "v"}}
	b := encodeStored(nil, m, 1, true, []uint32{3, 4})
	got, qos, retain, ids, err := decodeStored(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Topic != m.Topic || !bytes.Equal(got.Payload, m.Payload) || qos != 1 || !retain || !slices.Equal(ids, []uint32{3, 4}) ||
		!got.Expiry.Equal(m.Expiry) || !got.Received.Equal(m.Received) || got.Properties.ContentType != "text/plain" ||
		got.Properties.UserProperties[0].Value != "v" || got.Properties.CorrelationData[0] != 9 {
		t.Errorf("round trip: %+v qos %d retain %v ids %v", got, qos, retain, ids)
	}
	if _, _, _, _, err := decodeStored(b[:10]); err == nil {
		t.Error("a truncated record decoded")
	}
}

func TestMessage_Remaining_MQTT_3_3_2_6(t *testing.T) {
	now := time.Now()
	m := &Message{Expiry: now.Add(90*time.Second + 500*time.Millisecond)}
	if secs, ok := m.remaining(now.Add(30 * time.Second)); !ok || secs != 60 {
		t.Errorf("remaining %d, %v; want 60 whole seconds", secs, ok)
	}
	if !m.expired(now.Add(91 * time.Second)) {
		t.Error("not expired after its expiry")
	}
	p := &packet.Properties{Explicit: packet.SetOf(packet.PropMessageExpiryInterval)}
	if e := expiryFrom(p, now); !e.Equal(now.Add(time.Second)) {
		t.Errorf("expiry 0 gave %v; AWS treats 0 as 1 s (spec §4.9)", e.Sub(now))
	}
	p = &packet.Properties{MessageExpiryInterval: 1 << 30}
	if e := expiryFrom(p, now); e.Sub(now) != 7*24*time.Hour {
		t.Errorf("expiry capped at %v, want 7 days", e.Sub(now))
	}
}
