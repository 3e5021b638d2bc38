package broker

import (
	"context"
	"fmt"
	"net"
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
	disco chan *paho.Disconnect
	conn  net.Conn // the socket, to write packets paho.golang would not send
}

// opts5 are the CONNECT settings of a paho.golang test client; the zero
// value is a clean session with keep-alive 60 and no properties.
type opts5 struct {
	clean      bool
	expiry     uint32 // Session Expiry Interval; > 0 asks for a persistent session
	keepAlive  uint16 // 0 means 60, unless zeroKA
	zeroKA     bool   // send Keep Alive 0
	recvMax    uint16 // Receive Maximum, when not 0
	maxPacket  uint32 // Maximum Packet Size, when not 0
	noProblem  bool   // Request Problem Information 0
	manualAck  bool   // acknowledge with Client.Ack
	will       *paho.WillMessage
	willProps  *paho.WillProperties
	withoutTLS bool // no client certificate
}

// connect5 connects a paho.golang client over TLS; expiry > 0 asks for a
// persistent session. It returns the client and its CONNACK, and fails
// the test on a transport error only.
func (e *tlsEnv) connect5(t *testing.T, id string, clean bool, expiry uint32, will *paho.WillMessage, withCert bool) (*v5Client, *paho.Connack, error) {
	t.Helper()
	return e.dial5(t, id, opts5{clean: clean, expiry: expiry, will: will, withoutTLS: !withCert})
}

// dial5 connects a paho.golang client with the settings o.
func (e *tlsEnv) dial5(t *testing.T, id string, o opts5) (*v5Client, *paho.Connack, error) {
	t.Helper()
	c := &v5Client{msgs: make(chan *paho.Publish, 64), disco: make(chan *paho.Disconnect, 1)}
	c.conn = packets.NewThreadSafeConn(e.dialTLS(t, !o.withoutTLS))
	c.Client = paho.NewClient(paho.ClientConfig{
		Conn: c.conn,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			c.msgs <- pr.Packet
			return true, nil
		}},
		OnServerDisconnect:         func(d *paho.Disconnect) { c.disco <- d },
		OnClientError:              func(error) {},
		EnableManualAcknowledgment: o.manualAck,
		SendAcksInterval:           5 * time.Millisecond,
	})
	cp := &paho.Connect{ClientID: id, CleanStart: o.clean, KeepAlive: o.keepAlive, WillMessage: o.will, WillProperties: o.willProps,
		Properties: &paho.ConnectProperties{SessionExpiryInterval: &o.expiry, RequestProblemInfo: !o.noProblem}}
	if cp.KeepAlive == 0 && !o.zeroKA {
		cp.KeepAlive = 60
	}
	if o.recvMax != 0 {
		cp.Properties.ReceiveMaximum = &o.recvMax
	}
	if o.maxPacket != 0 {
		cp.Properties.MaximumPacketSize = &o.maxPacket
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ack, err := c.Connect(ctx, cp)
	if err == nil {
		t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	}
	return c, ack, err
}

// mustDial5 is dial5 that fails the test when the connection fails.
func (e *tlsEnv) mustDial5(t *testing.T, id string, o opts5) (*v5Client, *paho.Connack) {
	t.Helper()
	c, ack, err := e.dial5(t, id, o)
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	return c, ack
}

// rc waits for the server's DISCONNECT and returns its reason code.
func (c *v5Client) rc(t *testing.T) byte {
	t.Helper()
	return waitFor(t, c.disco, "DISCONNECT").ReasonCode
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
	return c.subWith(t, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: qos}}})
}

// subWith sends the SUBSCRIBE s and returns its SUBACK.
func (c *v5Client) subWith(t *testing.T, s *paho.Subscribe) *paho.Suback {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	sa, _ := c.Subscribe(ctx, s)
	filter := s.Subscriptions[0].Topic
	if sa == nil {
		t.Fatalf("no SUBACK for %s", filter)
	}
	return sa
}

func (c *v5Client) pub(t *testing.T, topic string, qos byte, retain bool, payload string) *paho.PublishResponse {
	t.Helper()
	return c.pubWith(t, &paho.Publish{Topic: topic, QoS: qos, Retain: retain, Payload: []byte(payload)})
}

// pubWith sends p and returns the broker's answer (nil for QoS 0).
func (c *v5Client) pubWith(t *testing.T, p *paho.Publish) *paho.PublishResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	resp, err := c.Publish(ctx, p)
	if err != nil && resp == nil && p.QoS > 0 {
		t.Fatalf("publish %s: %v", p.Topic, err)
	}
	return resp
}

// expectMsg waits for the next message and checks its topic, payload,
// QoS and RETAIN flag, and returns it.
func (c *v5Client) expectMsg(t *testing.T, topic, payload string, qos byte, retained bool) *paho.Publish {
	t.Helper()
	m := waitFor(t, c.msgs, payload)
	if m.Topic != topic || string(m.Payload) != payload || m.QoS != qos || m.Retain != retained {
		t.Errorf("got %s %q QoS %d retain %v, want %s %q QoS %d retain %v",
			m.Topic, m.Payload, m.QoS, m.Retain, topic, payload, qos, retained)
	}
	return m
}

// scenario5 is one interop scenario for paho.golang, run against a
// broker with QoS 2 off and on; q is the highest QoS the broker grants.
type scenario5 struct {
	name string
	run  func(t *testing.T, e *tlsEnv, q byte)
}

func TestServer_Serve_Paho5OverTLS(t *testing.T) {
	t.Parallel()
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			e := startTLS(t, newFakeAuth("iot:Publish topic/forbidden", "iot:Subscribe topicfilter/forbidden/#"), withQoS2(mode.on))
			for _, sc := range scenarios5 {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, e, topQoS(mode.on)) })
			}
			if mode.on {
				t.Run("[MQTT-3.8.4-8] QoS 2 is delivered at the subscription's QoS 1", func(t *testing.T) {
					sub := e.mustConnect5(t, "down5")
					sub.sub(t, 1, "down5/x")
					e.mustConnect5(t, "downpub5").pub(t, "down5/x", 2, false, "two")
					sub.expectMsg(t, "down5/x", "two", 1, false)
				})
			} else {
				t.Run("QoS 2 PUBLISH beyond Maximum QoS gets DISCONNECT 0x9B (§3.2.2.3.4)", func(t *testing.T) {
					c := e.mustConnect5(t, "noq2pub5")
					// paho.golang honours Maximum QoS itself; send the PUBLISH
					// under it, as a client that ignores CONNACK would.
					pb := &packets.Publish{Topic: "noq2/x", QoS: 2, PacketID: 9, Payload: []byte("x"), Properties: &packets.Properties{}}
					if _, err := pb.WriteTo(c.conn); err != nil {
						t.Fatal(err)
					}
					if rc := c.rc(t); rc != 0x9B {
						t.Errorf("DISCONNECT %#x, want 0x9B QoS not supported", rc)
					}
				})
			}
			e.certificatesSeen(t)
		})
	}
}

var scenarios5 = []scenario5{
	{"[MQTT-3.2.2-9] CONNACK Maximum QoS", func(t *testing.T, e *tlsEnv, q byte) {
		_, ack, err := e.connect5(t, "maxqos5", true, 0, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		switch mq := ack.Properties.MaximumQoS; {
		case q == 1 && (mq == nil || *mq != 1):
			t.Errorf("Maximum QoS %v, want 1", mq)
		case q == 2 && mq != nil:
			t.Errorf("Maximum QoS %d sent, want none (QoS 2 is available)", *mq)
		}
	}},
	{"SUBACK grants QoS 2 only when enabled (§3.9.3, AWS §4.2)", func(t *testing.T, e *tlsEnv, q byte) {
		if sa := e.mustConnect5(t, "grant5").sub(t, 2, "grant5/#"); sa.Reasons[0] != q {
			t.Errorf("SUBACK %v, want granted QoS %d", sa.Reasons, q)
		}
	}},
	{"[MQTT-3.3.4-1] publish and subscribe at every QoS granted", func(t *testing.T, e *tlsEnv, q byte) {
		sub := e.mustConnect5(t, "sub5")
		if sa := sub.sub(t, q, "interop/#"); sa.Reasons[0] != q {
			t.Fatalf("SUBACK %v", sa.Reasons)
		}
		pub := e.mustConnect5(t, "pub5")
		for qos := range q + 1 {
			if r := pub.pub(t, fmt.Sprintf("interop/%d", qos), qos, false, fmt.Sprint("qos", qos)); qos > 0 && r.ReasonCode != 0 {
				t.Errorf("QoS %d: acknowledgement %#x", qos, r.ReasonCode)
			}
		}
		for qos := range q + 1 {
			sub.expectMsg(t, fmt.Sprintf("interop/%d", qos), fmt.Sprint("qos", qos), qos, false)
		}
	}},
	{"[MQTT-3.3.1-9] retained reaches the exact filter only (AWS)", func(t *testing.T, e *tlsEnv, q byte) {
		e.mustConnect5(t, "rpub5").pub(t, "state/dev", q, true, "on")
		exact := e.mustConnect5(t, "rexact5")
		exact.sub(t, q, "state/dev")
		exact.expectMsg(t, "state/dev", "on", q, true)
		wild := e.mustConnect5(t, "rwild5")
		wild.sub(t, q, "state/+")
		expectNothing(t, wild.msgs, 100*time.Millisecond, "wildcard subscription")
	}},
	{"[MQTT-3.1.2-8] will on connection loss", func(t *testing.T, e *tlsEnv, q byte) {
		watch := e.mustConnect5(t, "watch5")
		watch.sub(t, q, "wills/#")
		dying, _, err := e.connect5(t, "dying5", true, 0, &paho.WillMessage{Topic: "wills/dying5", QoS: q, Payload: []byte("bye")}, true)
		if err != nil {
			t.Fatal(err)
		}
		dying.TerminateConnectionForTest()
		watch.expectMsg(t, "wills/dying5", "bye", q, false)
	}},
	{"[MQTT-3.1.2-4] [MQTT-3.2.2-3] persistent session resumes with queued messages", func(t *testing.T, e *tlsEnv, q byte) {
		c, ack, err := e.connect5(t, "persist5", false, 3600, nil, true)
		if err != nil || ack.SessionPresent {
			t.Fatalf("connect: %v, present %v", err, ack.SessionPresent)
		}
		c.sub(t, q, "queue5/#")
		_ = c.Disconnect(&paho.Disconnect{})
		e.waitOffline(t, "persist5")
		pub := e.mustConnect5(t, "qpub5")
		for _, p := range []string{"1", "2", "3"} {
			pub.pub(t, "queue5/x", q, false, p)
		}
		c, ack, err = e.connect5(t, "persist5", false, 3600, nil, true)
		if err != nil || !ack.SessionPresent {
			t.Fatalf("reconnect: %v, present %v", err, ack != nil && ack.SessionPresent)
		}
		for _, want := range []string{"1", "2", "3"} {
			c.expectMsg(t, "queue5/x", want, q, false)
		}
	}},
	{"[MQTT-3.1.4-3] takeover sends DISCONNECT 0x8E", func(t *testing.T, e *tlsEnv, q byte) {
		first := e.mustConnect5(t, "same5")
		e.mustConnect5(t, "same5")
		if rc := first.rc(t); rc != 0x8E {
			t.Errorf("DISCONNECT %#x", rc)
		}
	}},
	{"denials use reason codes 0x87 (AWS)", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect5(t, "denied5")
		for qos := byte(1); qos <= q; qos++ {
			if r := c.pub(t, "forbidden", qos, false, "x"); r.ReasonCode != 0x87 {
				t.Errorf("QoS %d: acknowledgement %#x, want 0x87", qos, r.ReasonCode)
			}
		}
		if sa := c.sub(t, q, "forbidden/#"); sa.Reasons[0] != 0x87 {
			t.Errorf("SUBACK %#x, want 0x87", sa.Reasons[0])
		}
		c.pub(t, "forbidden", 0, false, "x")
		if rc := c.rc(t); rc != 0x87 {
			t.Errorf("QoS 0 denial: DISCONNECT %#x, want 0x87", rc)
		}
	}},
	{"no client certificate, no session", func(t *testing.T, e *tlsEnv, q byte) {
		_, ack, err := e.connect5(t, "nocert5", true, 0, nil, false)
		if err == nil || ack == nil || ack.ReasonCode != 0x87 {
			t.Errorf("connect without a certificate: %v, %+v", err, ack)
		}
	}},
}
