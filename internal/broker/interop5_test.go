package broker

import (
	"context"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
)

// v5Client is a paho.golang client with its received messages and
// server DISCONNECTs on channels.
type v5Client struct {
	*paho.Client
	msgs  chan *paho.Publish
	disco chan byte
}

// connect5 connects a paho.golang client over TLS; expiry > 0 asks for a
// persistent session. It returns the client and its CONNACK, and fails
// the test on a transport error only.
func (e *tlsEnv) connect5(t *testing.T, id string, clean bool, expiry uint32, will *paho.WillMessage, withCert bool) (*v5Client, *paho.Connack, error) {
	t.Helper()
	c := &v5Client{msgs: make(chan *paho.Publish, 64), disco: make(chan byte, 1)}
	c.Client = paho.NewClient(paho.ClientConfig{
		Conn: packets.NewThreadSafeConn(e.dialTLS(t, withCert)),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			c.msgs <- pr.Packet
			return true, nil
		}},
		OnServerDisconnect: func(d *paho.Disconnect) { c.disco <- d.ReasonCode },
		OnClientError:      func(error) {},
	})
	cp := &paho.Connect{ClientID: id, CleanStart: clean, KeepAlive: 60, WillMessage: will,
		Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry}}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ack, err := c.Connect(ctx, cp)
	if err == nil {
		t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	}
	return c, ack, err
}

func (e *tlsEnv) mustConnect5(t *testing.T, id string) *v5Client {
	t.Helper()
	c, _, err := e.connect5(t, id, true, 0, nil, true)
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	return c
}

func (c *v5Client) sub(t *testing.T, qos byte, filter string) *paho.Suback {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	sa, _ := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: qos}}})
	if sa == nil {
		t.Fatalf("no SUBACK for %s", filter)
	}
	return sa
}

func (c *v5Client) pub(t *testing.T, topic string, qos byte, retain bool, payload string) *paho.PublishResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	resp, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: qos, Retain: retain, Payload: []byte(payload)})
	if err != nil && resp == nil && qos > 0 {
		t.Fatalf("publish %s: %v", topic, err)
	}
	return resp
}

func TestServer_Serve_Paho5OverTLS(t *testing.T) {
	t.Parallel()
	e := startTLS(t, newFakeAuth(
		"iot:Publish topic/forbidden",
		"iot:Subscribe topicfilter/forbidden/#",
	), nil)

	t.Run("publish and subscribe QoS 0 and 1", func(t *testing.T) {
		sub := e.mustConnect5(t, "sub5")
		if sa := sub.sub(t, 1, "interop/#"); sa.Reasons[0] != 1 {
			t.Fatalf("SUBACK %v", sa.Reasons)
		}
		pub := e.mustConnect5(t, "pub5")
		pub.pub(t, "interop/a", 0, false, "zero")
		if r := pub.pub(t, "interop/b", 1, false, "one"); r.ReasonCode != 0 {
			t.Errorf("PUBACK %#x", r.ReasonCode)
		}
		for _, want := range []string{"zero", "one"} {
			if m := waitFor(t, sub.msgs, want); string(m.Payload) != want {
				t.Errorf("got %q, want %q", m.Payload, want)
			}
		}
	})

	t.Run("retained reaches the exact filter only", func(t *testing.T) {
		pub := e.mustConnect5(t, "rpub5")
		pub.pub(t, "state/dev", 1, true, "on")
		exact := e.mustConnect5(t, "rexact5")
		exact.sub(t, 1, "state/dev")
		if m := waitFor(t, exact.msgs, "retained"); !m.Retain || string(m.Payload) != "on" {
			t.Errorf("retained %+v", m)
		}
		wild := e.mustConnect5(t, "rwild5")
		wild.sub(t, 1, "state/+")
		expectNothing(t, wild.msgs, 100*time.Millisecond, "wildcard subscription")
	})

	t.Run("will on connection loss", func(t *testing.T) {
		watch := e.mustConnect5(t, "watch5")
		watch.sub(t, 1, "wills/#")
		dying, _, err := e.connect5(t, "dying5", true, 0, &paho.WillMessage{Topic: "wills/dying5", QoS: 1, Payload: []byte("bye")}, true)
		if err != nil {
			t.Fatal(err)
		}
		dying.TerminateConnectionForTest()
		if m := waitFor(t, watch.msgs, "will"); m.Topic != "wills/dying5" {
			t.Errorf("got %q", m.Topic)
		}
	})

	t.Run("persistent session resumes with queued QoS 1", func(t *testing.T) {
		c, ack, err := e.connect5(t, "persist5", false, 3600, nil, true)
		if err != nil || ack.SessionPresent {
			t.Fatalf("connect: %v, present %v", err, ack.SessionPresent)
		}
		c.sub(t, 1, "queue5/#")
		_ = c.Disconnect(&paho.Disconnect{})
		pub := e.mustConnect5(t, "qpub5")
		for _, p := range []string{"1", "2", "3"} {
			pub.pub(t, "queue5/x", 1, false, p)
		}
		c, ack, err = e.connect5(t, "persist5", false, 3600, nil, true)
		if err != nil || !ack.SessionPresent {
			t.Fatalf("reconnect: %v, present %v", err, ack != nil && ack.SessionPresent)
		}
		for _, want := range []string{"1", "2", "3"} {
			if m := waitFor(t, c.msgs, "queued "+want); string(m.Payload) != want {
				t.Errorf("got %q, want %q", m.Payload, want)
			}
		}
	})

	t.Run("takeover sends DISCONNECT 0x8E", func(t *testing.T) {
		first := e.mustConnect5(t, "same5")
		e.mustConnect5(t, "same5")
		if rc := waitFor(t, first.disco, "DISCONNECT"); rc != 0x8E {
			t.Errorf("DISCONNECT %#x", rc)
		}
	})

	t.Run("denials use reason codes", func(t *testing.T) {
		c := e.mustConnect5(t, "denied5")
		if r := c.pub(t, "forbidden", 1, false, "x"); r.ReasonCode != 0x87 {
			t.Errorf("PUBACK %#x, want 0x87", r.ReasonCode)
		}
		if sa := c.sub(t, 1, "forbidden/#"); sa.Reasons[0] != 0x87 {
			t.Errorf("SUBACK %#x, want 0x87", sa.Reasons[0])
		}
		c.pub(t, "forbidden", 0, false, "x")
		if rc := waitFor(t, c.disco, "DISCONNECT"); rc != 0x87 {
			t.Errorf("QoS 0 denial: DISCONNECT %#x, want 0x87", rc)
		}
	})

	t.Run("no client certificate, no session", func(t *testing.T) {
		_, ack, err := e.connect5(t, "nocert5", true, 0, nil, false)
		if err == nil || ack == nil || ack.ReasonCode != 0x87 {
			t.Errorf("connect without a certificate: %v, %+v", err, ack)
		}
	})
	e.certificatesSeen(t)
}
