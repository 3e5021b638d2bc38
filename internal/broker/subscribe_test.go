package broker

import (
	"slices"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_Subscribe_InvalidFilter(t *testing.T) {
	s := newServer(t, nil, nil)
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		c := dial(t, s, v, "c"+v.String())
		ack := c.subscribe(1, "a/#/b", "ok/+", "a/b/c/d/e/f/g/h/#")
		want := []packet.ReasonCode{packet.TopicFilterInvalid, packet.GrantedQoS1, packet.TopicFilterInvalid}
		if v == packet.V311 {
			want = []packet.ReasonCode{packet.UnspecifiedError, packet.GrantedQoS1, packet.UnspecifiedError} // 0x80
		}
		if !slices.Equal(ack.ReasonCodes, want) {
			t.Errorf("%v: SUBACK %v, want %v", v, ack.ReasonCodes, want)
		}
	}
}

func TestServer_Subscribe_DeniedPerVersion(t *testing.T) {
	auth := newFakeAuth("iot:Subscribe topicfilter/secret/#", "iot:Subscribe topicfilter/$share/g/*")
	s := newServer(t, auth, nil)
	c := dial(t, s, packet.V5, "v5")
	ack := c.subscribe(1, "secret/#", "secret/+", "$share/g/x", "$share/h/x")
	want := []packet.ReasonCode{packet.NotAuthorized, packet.GrantedQoS1, packet.NotAuthorized, packet.GrantedQoS1}
	if !slices.Equal(ack.ReasonCodes, want) {
		t.Errorf("SUBACK %v, want %v (filters are matched literally, spec §2.2)", ack.ReasonCodes, want)
	}
	if rs := ack.Properties.ReasonString; rs != "iot:Subscribe denied on secret/#; iot:Subscribe denied on $share/g/x" {
		t.Errorf("SUBACK Reason String %q", rs)
	}
	c3 := dial(t, s, packet.V311, "v3")
	c3.send(&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{{Filter: "secret/#"}}})
	c3.expectClosed() // AWS closes 3.1.1 connections (spec §2.6)
	if n := s.Stats().DeniedSubscribe; n != 3 {
		t.Errorf("DeniedSubscribe = %d", n)
	}
}

func TestServer_Subscribe_MQTT_3_8_3_4_NoLocalOnSharedIsProtocolError(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "c")
	c.send(&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{{Filter: "$share/g/t", NoLocal: true}}})
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.ProtocolError {
		t.Errorf("DISCONNECT %v", d.ReasonCode)
	}
}

func TestServer_Subscribe_Limits(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxSubscriptions = 3 })
	c := dial(t, s, packet.V5, "c")
	ack := c.subscribe(0, "1", "2", "3", "4", "5", "6", "7", "8", "9")
	want := []packet.ReasonCode{0, 0, 0, packet.QuotaExceeded, packet.QuotaExceeded, packet.QuotaExceeded,
		packet.QuotaExceeded, packet.QuotaExceeded, packet.QuotaExceeded}
	if !slices.Equal(ack.ReasonCodes, want) {
		t.Errorf("SUBACK %v, want %v", ack.ReasonCodes, want)
	}
	if ack := c.subscribe(1, "2"); ack.ReasonCodes[0] != packet.GrantedQoS1 {
		t.Errorf("replacing a subscription at the limit: %v", ack.ReasonCodes)
	}
}

func TestServer_Unsubscribe_MQTT_3_11_3_1_ReasonCodes(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "c")
	c.subscribe(0, "a", "b")
	c.send(&packet.Unsubscribe{PacketID: 2, Filters: []string{"a", "zzz", "a/#/x"}})
	ack := expect[*packet.Unsuback](c)
	want := []packet.ReasonCode{packet.Success, packet.NoSubscriptionExisted, packet.TopicFilterInvalid}
	if ack.PacketID != 2 || !slices.Equal(ack.ReasonCodes, want) {
		t.Errorf("UNSUBACK %+v, want %v", ack, want)
	}
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("a", 0, false, "gone")
	pub.publish("b", 0, false, "kept")
	if m := expect[*packet.Publish](c); m.Topic != "b" {
		t.Errorf("got %q after unsubscribing", m.Topic)
	}
	c.expectSilence(30 * time.Millisecond)
}

func TestServer_Subscribe_AWSWildcardParent(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "c")
	c.subscribe(0, "sensor/#")
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("sensor", 0, false, "parent")
	pub.publish("sensor/x", 0, false, "child")
	if m := expect[*packet.Publish](c); m.Topic != "sensor/x" {
		t.Errorf("got %q: on AWS `sensor/#` does not match `sensor` (spec §4.2)", m.Topic)
	}
}
