package broker

import (
	"slices"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

func TestServer_Publish_QoS0AndQoS1Delivery(t *testing.T) {
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		t.Run(v.String(), func(t *testing.T) {
			s := newServer(t, nil, nil)
			sub := dial(t, s, v, "sub")
			if ack := sub.subscribe(1, "sensors/+/temp"); ack.ReasonCodes[0] != packet.GrantedQoS1 {
				t.Fatalf("SUBACK %v", ack.ReasonCodes)
			}
			pub := dial(t, s, v, "pub")
			pub.publish("sensors/a/temp", 0, false, "zero")
			if ack := pub.publish("sensors/b/temp", 1, false, "one"); ack.Kind != packet.PUBACK || ack.ReasonCode != packet.Success {
				t.Fatalf("PUBACK %+v", ack)
			}
			m0 := expect[*packet.Publish](sub)
			m1 := expect[*packet.Publish](sub)
			if string(m0.Payload) != "zero" || m0.QoS != 0 || string(m1.Payload) != "one" || m1.QoS != 1 || m1.PacketID == 0 {
				t.Fatalf("got %+v then %+v", m0, m1)
			}
			sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m1.PacketID})
			pub.publish("sensors/a/humidity", 1, false, "no match")
			sub.expectSilence(50 * time.Millisecond)
			st := s.Stats()
			if st.MessagesIn[1] != 2 || st.MessagesOut[0] != 1 || st.MessagesOut[1] != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestServer_Publish_MQTT_3_3_5_1_QoSDowngradedToSubscription(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := dial(t, s, packet.V311, "sub")
	sub.subscribe(0, "x")
	pub := dial(t, s, packet.V311, "pub")
	pub.publish("x", 1, false, "m")
	if m := expect[*packet.Publish](sub); m.QoS != 0 {
		t.Errorf("delivered at QoS %d to a QoS 0 subscription", m.QoS)
	}
}

func TestServer_Publish_MQTT_3_3_4_2_OverlappingSubscriptionsOneDelivery(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := dial(t, s, packet.V5, "sub")
	for i, f := range []string{"a/+", "a/#"} {
		p := &packet.Subscribe{PacketID: uint16(i + 1), Subscriptions: []packet.Subscription{{Filter: f, QoS: packet.QoS(i)}}}
		p.Properties.SubscriptionIdentifiers = []uint32{uint32(10 + i)}
		sub.send(p)
		expect[*packet.Suback](sub)
	}
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("a/b", 1, false, "x")
	m := expect[*packet.Publish](sub)
	ids := slices.Sorted(slices.Values(m.Properties.SubscriptionIdentifiers))
	if m.QoS != 1 || !slices.Equal(ids, []uint32{10, 11}) {
		t.Errorf("QoS %d, ids %v; want the highest QoS and both identifiers [MQTT-3.3.4-3]", m.QoS, ids)
	}
	sub.expectSilence(50 * time.Millisecond)
}

func TestServer_Publish_MQTT_3_8_3_3_NoLocal(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "self")
	c.send(&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{
		{Filter: "loop", QoS: 0, NoLocal: true}, {Filter: "echo", QoS: 0}}})
	expect[*packet.Suback](c)
	c.publish("loop", 0, false, "not to me")
	c.publish("echo", 0, false, "to me")
	if m := expect[*packet.Publish](c); m.Topic != "echo" {
		t.Errorf("got %q: No Local did not apply", m.Topic)
	}
	other := dial(t, s, packet.V5, "other")
	other.publish("loop", 0, false, "from another")
	if m := expect[*packet.Publish](c); m.Topic != "loop" {
		t.Errorf("got %q", m.Topic)
	}
}

func TestServer_Publish_MQTT_3_3_1_12_RetainAsPublished(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V5, "sub")
	c.send(&packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{
		{Filter: "rap/+", QoS: 0, RetainAsPublished: true}, {Filter: "plain/+", QoS: 0}}})
	expect[*packet.Suback](c)
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("rap/x", 0, true, "r")
	pub.publish("plain/x", 0, true, "r")
	if m := expect[*packet.Publish](c); !m.Retain {
		t.Error("Retain As Published: RETAIN 0 [MQTT-3.3.1-13]")
	}
	if m := expect[*packet.Publish](c); m.Retain {
		t.Error("live forward with RETAIN 1 [MQTT-3.3.1-12]")
	}
}

func TestServer_Publish_DeniedPerVersion(t *testing.T) {
	auth := newFakeAuth("iot:Publish topic/secret", "iot:RetainPublish topic/noretain")
	s := newServer(t, auth, nil)

	c := dial(t, s, packet.V311, "v3")
	c.send(&packet.Publish{Topic: "secret", QoS: 1, PacketID: 1})
	c.expectClosed() // AWS closes 3.1.1 connections (spec §2.6)

	c = dial(t, s, packet.V5, "v5")
	if ack := c.publish("secret", 1, false, "x"); ack.ReasonCode != packet.NotAuthorized {
		t.Errorf("QoS 1: PUBACK %v, want 0x87", ack.ReasonCode)
	}
	if ack := c.publish("noretain", 1, true, "x"); ack.ReasonCode != packet.NotAuthorized {
		t.Errorf("retained without iot:RetainPublish: PUBACK %v", ack.ReasonCode)
	}
	if ack := c.publish("noretain", 1, false, "x"); ack.ReasonCode != packet.Success {
		t.Errorf("not retained: PUBACK %v", ack.ReasonCode)
	}
	c.publish("secret", 0, false, "x")
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.NotAuthorized {
		t.Errorf("QoS 0: DISCONNECT %v, want 0x87", d.ReasonCode)
	}
	if n := s.Stats().DeniedPublish; n != 4 {
		t.Errorf("DeniedPublish = %d", n)
	}
}

func TestServer_Publish_ReceiveDeniedIsSilent(t *testing.T) {
	auth := newFakeAuth("iot:Receive topic/private/*")
	s := newServer(t, auth, nil)
	sub := dial(t, s, packet.V5, "sub")
	sub.subscribe(1, "private/#", "public/#")
	pub := dial(t, s, packet.V5, "pub")
	if ack := pub.publish("private/x", 1, false, "hidden"); ack.ReasonCode != packet.Success {
		t.Fatalf("PUBACK %v", ack.ReasonCode)
	}
	pub.publish("public/x", 1, false, "seen")
	if m := expect[*packet.Publish](sub); m.Topic != "public/x" {
		t.Errorf("got %q", m.Topic)
	}
	if n := s.Stats().DeniedReceive; n != 1 {
		t.Errorf("DeniedReceive = %d", n)
	}
}

func TestServer_Publish_InvalidTopic(t *testing.T) {
	s := newServer(t, nil, nil)
	deep := "a/b/c/d/e/f/g/h/i" // 8 slashes: AWS allows 7
	c := dial(t, s, packet.V311, "v3")
	c.send(&packet.Publish{Topic: deep})
	c.expectClosed()

	c = dial(t, s, packet.V5, "v5")
	if ack := c.publish(deep, 1, false, "x"); ack.ReasonCode != packet.TopicNameInvalid {
		t.Errorf("PUBACK %v, want 0x90", ack.ReasonCode)
	}
	if ack := c.publish("$aws/things/t/shadow/update", 1, true, "x"); ack.ReasonCode != packet.TopicNameInvalid {
		t.Errorf("retained on a $ topic: PUBACK %v, want 0x90", ack.ReasonCode)
	}
	c.publish(deep, 0, false, "x")
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.TopicNameInvalid {
		t.Errorf("DISCONNECT %v", d.ReasonCode)
	}
}

func TestServer_Publish_PayloadLimit(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.MaxPayload = 10 })
	c := dial(t, s, packet.V5, "big")
	c.publish("t", 0, false, "0123456789") // exactly the limit
	c.publish("t", 0, false, "0123456789a")
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.PacketTooLarge {
		t.Errorf("DISCONNECT %v", d.ReasonCode)
	}
}

func TestServer_Publish_QoS2Disabled(t *testing.T) {
	s := newServer(t, nil, nil)
	c := dial(t, s, packet.V311, "v3")
	c.send(&packet.Publish{Topic: "t", QoS: 2, PacketID: 1})
	c.expectClosed()

	c = dial(t, s, packet.V5, "v5")
	c.send(&packet.Publish{Topic: "t", QoS: 2, PacketID: 1})
	got := c.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.QoSNotSupported {
		t.Errorf("DISCONNECT %v, want 0x9B", d.ReasonCode)
	}

	c = dial(t, s, packet.V5, "sub")
	if ack := c.subscribe(2, "t"); ack.ReasonCodes[0] != packet.GrantedQoS1 {
		t.Errorf("QoS 2 subscription granted %v, want QoS 1 (AWS)", ack.ReasonCodes[0])
	}
}

func TestServer_Publish_QoS2Flows(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.QoS2 = true })
	sub := dial(t, s, packet.V5, "sub")
	if ack := sub.subscribe(2, "q2"); ack.ReasonCodes[0] != packet.GrantedQoS2 {
		t.Fatalf("SUBACK %v", ack.ReasonCodes)
	}
	pub := dial(t, s, packet.V5, "pub")
	pub.send(&packet.Publish{Topic: "q2", QoS: 2, PacketID: 5, Payload: []byte("once")})
	if a := expect[*packet.Ack](pub); a.Kind != packet.PUBREC || a.PacketID != 5 {
		t.Fatalf("got %+v, want PUBREC 5", a)
	}
	// A resent PUBLISH before PUBREL is not routed again.
	pub.send(&packet.Publish{Topic: "q2", QoS: 2, PacketID: 5, Dup: true, Payload: []byte("once")})
	expect[*packet.Ack](pub)
	pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: 5})
	if a := expect[*packet.Ack](pub); a.Kind != packet.PUBCOMP || a.ReasonCode != packet.Success {
		t.Fatalf("got %+v, want PUBCOMP", a)
	}
	m := expect[*packet.Publish](sub)
	if m.QoS != 2 {
		t.Fatalf("QoS %d", m.QoS)
	}
	sub.expectSilence(50 * time.Millisecond) // exactly once
	sub.send(&packet.Ack{Kind: packet.PUBREC, PacketID: m.PacketID})
	if a := expect[*packet.Ack](sub); a.Kind != packet.PUBREL || a.PacketID != m.PacketID {
		t.Fatalf("got %+v, want PUBREL", a)
	}
	sub.send(&packet.Ack{Kind: packet.PUBCOMP, PacketID: m.PacketID})
	sub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: 99})
	if a := expect[*packet.Ack](sub); a.Kind != packet.PUBCOMP || a.ReasonCode != packet.PacketIdentifierNotFound {
		t.Errorf("PUBREL for an unknown id: %+v", a)
	}
}

func TestServer_Publish_TopicAlias(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := dial(t, s, packet.V5, "sub")
	sub.subscribe(0, "long/topic/name")
	pub := dial(t, s, packet.V5, "pub")
	p := &packet.Publish{Topic: "long/topic/name", Payload: []byte("1")}
	p.Properties.TopicAlias = 3
	pub.send(p)
	p = &packet.Publish{Payload: []byte("2")}
	p.Properties.TopicAlias = 3
	pub.send(p)
	for _, want := range []string{"1", "2"} {
		if m := expect[*packet.Publish](sub); m.Topic != "long/topic/name" || string(m.Payload) != want || m.Properties.TopicAlias != 0 {
			t.Errorf("got %+v", m)
		}
	}
	p = &packet.Publish{Topic: "x"}
	p.Properties.TopicAlias = 9 // above the Topic Alias Maximum 8
	pub.send(p)
	got := pub.expectClosed(packet.DISCONNECT)
	if d := got[0].(*packet.Disconnect); d.ReasonCode != packet.TopicAliasInvalid {
		t.Errorf("DISCONNECT %v, want 0x94", d.ReasonCode)
	}
}

func TestServer_Publish_MQTT_3_1_2_24_MaximumPacketSizeOfClient(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "small", CleanStart: true}
	p.Properties.MaximumPacketSize = 64
	sub.connect(p)
	sub.subscribe(1, "t")
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("t", 1, false, string(make([]byte, 100)))
	pub.publish("t", 1, false, "small")
	if m := expect[*packet.Publish](sub); string(m.Payload) != "small" {
		t.Errorf("got %d bytes", len(m.Payload))
	}
	if n := s.Stats().DroppedTooLarge; n != 1 {
		t.Errorf("DroppedTooLarge = %d", n)
	}
}

func TestServer_Publish_MQTT_3_3_4_9_ReceiveMaximum(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "slow", CleanStart: true}
	p.Properties.ReceiveMaximum = 2
	sub.connect(p)
	sub.subscribe(1, "t")
	pub := dial(t, s, packet.V5, "pub")
	for i := range 5 {
		pub.publish("t", 1, false, string(rune('a'+i)))
	}
	m1, m2 := expect[*packet.Publish](sub), expect[*packet.Publish](sub)
	sub.expectSilence(50 * time.Millisecond) // two in flight, no more
	sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m1.PacketID})
	m3 := expect[*packet.Publish](sub)
	sub.expectSilence(50 * time.Millisecond)
	sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m2.PacketID})
	sub.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m3.PacketID})
	m4, m5 := expect[*packet.Publish](sub), expect[*packet.Publish](sub)
	if got := string(m1.Payload) + string(m2.Payload) + string(m3.Payload) + string(m4.Payload) + string(m5.Payload); got != "abcde" {
		t.Errorf("order %q", got)
	}
}

func TestServer_Publish_MessageExpiry(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := dial(t, s, packet.V5, "sub")
	sub.subscribe(1, "e")
	pub := dial(t, s, packet.V5, "pub")
	p := &packet.Publish{Topic: "e", QoS: 1, PacketID: 1, Payload: []byte("x")}
	p.Properties.MessageExpiryInterval = 100
	p.Properties.ContentType = "text/plain"
	p.Properties.UserProperties = []packet.UserProperty{{Key: "k", Value: "v"}, {Key: "k", Value: "w"}}
	p.Properties.CorrelationData = []byte{1, 2}
	p.Properties.ResponseTopic = "reply/here"
	pub.send(p)
	expect[*packet.Ack](pub)
	m := expect[*packet.Publish](sub)
	pr := m.Properties
	if pr.MessageExpiryInterval == 0 || pr.MessageExpiryInterval > 100 || pr.ContentType != "text/plain" ||
		len(pr.UserProperties) != 2 || pr.UserProperties[1].Value != "w" || string(pr.CorrelationData) != "\x01\x02" ||
		pr.ResponseTopic != "reply/here" {
		t.Errorf("properties not passed through [MQTT-3.3.2-17]: %+v", pr)
	}
}

func TestServer_Publish_SharedSubscriptionOneMemberPerMessage(t *testing.T) {
	s := newServer(t, nil, nil)
	a := dial(t, s, packet.V311, "a")
	b := dial(t, s, packet.V5, "b")
	a.subscribe(0, "$share/g/jobs/#")
	b.subscribe(0, "$share/g/jobs/#")
	pub := dial(t, s, packet.V5, "pub")
	for range 4 {
		pub.publish("jobs/1", 1, false, "j")
	}
	for _, c := range []*client{a, b} {
		for range 2 { // round robin: two each
			expect[*packet.Publish](c)
		}
		c.expectSilence(30 * time.Millisecond)
	}
}

func TestServer_Publish_SlowConsumerDropsQoS0(t *testing.T) {
	s := newServer(t, nil, func(c *Config) { c.OutboundQueue = 4 })
	slow := dial(t, s, packet.V311, "slow")
	slow.subscribe(1, "flood")
	fast := dial(t, s, packet.V311, "fast")
	fast.subscribe(1, "flood")
	fastGot := make(chan string, 1)
	go func() { // reads until the QoS 1 message, which is never dropped
		for {
			p, err := fast.tryNext(ioTimeout)
			if err != nil {
				fastGot <- err.Error()
				return
			}
			if m, ok := p.(*packet.Publish); ok && m.QoS == 1 {
				fastGot <- string(m.Payload)
				return
			}
		}
	}()
	pub := dial(t, s, packet.V311, "pub")
	start := time.Now()
	for range 200 {
		pub.publish("flood", 0, false, "x")
	}
	pub.publish("flood", 1, false, "last") // PUBACK: the publisher was never blocked
	if el := time.Since(start); el > time.Second {
		t.Errorf("publishing took %v", el)
	}
	if got := <-fastGot; got != "last" {
		t.Errorf("the reading subscriber got %q, want the QoS 1 message", got)
	}
	if n := s.Stats().DroppedQueueFull; n == 0 {
		t.Error("no QoS 0 drops counted for a subscriber that does not read")
	}
}
