package broker

import (
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// v3Client is a paho.mqtt.golang (MQTT 3.1.1) client with its messages
// and connection loss on channels, and its socket, to drop it abruptly.
type v3Client struct {
	mqtt.Client
	msgs    chan mqtt.Message
	lost    chan error
	present bool // CONNACK's Session Present

	mu sync.Mutex
	nc net.Conn
}

// connect311 connects a paho.mqtt.golang client over TLS.
func (e *tlsEnv) connect311(t *testing.T, id string, clean bool, will string, willQoS byte) (*v3Client, error) {
	t.Helper()
	c := &v3Client{msgs: make(chan mqtt.Message, 64), lost: make(chan error, 1)}
	o := mqtt.NewClientOptions().AddBroker("ssl://" + e.addr).SetClientID(id).SetCleanSession(clean).
		SetTLSConfig(e.clientTLS(t, true)).SetAutoReconnect(false).SetConnectRetry(false).
		SetKeepAlive(60 * time.Second).SetConnectTimeout(ioTimeout).SetOrderMatters(true).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { c.msgs <- m }).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) { c.lost <- err }).
		SetCustomOpenConnectionFn(func(*url.URL, mqtt.ClientOptions) (net.Conn, error) {
			nc := e.dialTLS(t, true)
			c.mu.Lock()
			c.nc = nc
			c.mu.Unlock()
			return nc, nil
		})
	if will != "" {
		o.SetWill(will, id+" is gone", willQoS, false)
	}
	c.Client = mqtt.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(ioTimeout) {
		t.Fatalf("connect %s timed out", id)
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	c.present = tok.(*mqtt.ConnectToken).SessionPresent()
	t.Cleanup(func() { c.Disconnect(0) })
	return c, nil
}

func (e *tlsEnv) mustConnect311(t *testing.T, id string, clean bool) *v3Client {
	t.Helper()
	c, err := e.connect311(t, id, clean, "", 0)
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	return c
}

// wait waits for a token and returns its error.
func wait(t *testing.T, tok mqtt.Token) error {
	t.Helper()
	if !tok.WaitTimeout(ioTimeout) {
		t.Fatal("token timed out")
	}
	return tok.Error()
}

// sub subscribes to filter at qos and returns the QoS the SUBACK granted.
func (c *v3Client) sub(t *testing.T, filter string, qos byte) byte {
	t.Helper()
	tok := c.Subscribe(filter, qos, nil)
	if err := wait(t, tok); err != nil {
		t.Fatalf("subscribe %s: %v", filter, err)
	}
	return tok.(*mqtt.SubscribeToken).Result()[filter]
}

func (c *v3Client) pub(t *testing.T, topic string, qos byte, retain bool, payload string) {
	t.Helper()
	if err := wait(t, c.Publish(topic, qos, retain, payload)); err != nil {
		t.Fatalf("publish %s: %v", topic, err)
	}
}

// drop closes the client's socket without DISCONNECT.
func (c *v3Client) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.nc.Close()
}

// expectMsg waits for the next message and checks its topic, payload,
// QoS and RETAIN flag.
func (c *v3Client) expectMsg(t *testing.T, topic, payload string, qos byte, retained bool) {
	t.Helper()
	m := waitFor(t, c.msgs, payload)
	if m.Topic() != topic || string(m.Payload()) != payload || m.Qos() != qos || m.Retained() != retained {
		t.Errorf("got %s %q QoS %d retain %v, want %s %q QoS %d retain %v",
			m.Topic(), m.Payload(), m.Qos(), m.Retained(), topic, payload, qos, retained)
	}
}

// scenario311 is one interop scenario for paho.mqtt.golang, run against
// a broker with QoS 2 off and on; q is the highest QoS the broker grants.
type scenario311 struct {
	name string
	run  func(t *testing.T, e *tlsEnv, q byte)
}

func TestServer_Serve_PahoMQTT311OverTLS(t *testing.T) {
	t.Parallel()
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			e := startTLS(t, newFakeAuth("iot:Publish topic/forbidden", "iot:Subscribe topicfilter/forbidden/#"), withQoS2(mode.on))
			for _, sc := range scenarios311 {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, e, topQoS(mode.on)) })
			}
			if mode.on {
				t.Run("[MQTT-3.8.4-6] QoS 2 is delivered at the subscription's QoS 1", func(t *testing.T) {
					sub := e.mustConnect311(t, "down3", true)
					sub.sub(t, "down3/x", 1)
					e.mustConnect311(t, "downpub3", true).pub(t, "down3/x", 2, false, "two")
					sub.expectMsg(t, "down3/x", "two", 1, false)
				})
			} else {
				t.Run("QoS 2 PUBLISH closes the connection when QoS 2 is off (AWS)", func(t *testing.T) {
					c := e.mustConnect311(t, "noq2pub3", true)
					c.Publish("noq2/x", 2, false, "x")
					waitFor(t, c.lost, "connection loss")
				})
			}
			if st := e.s.Stats(); st.DeniedPublish != 1 || st.DeniedSubscribe != 1 {
				t.Errorf("denials counted: publish %d, subscribe %d", st.DeniedPublish, st.DeniedSubscribe)
			}
			e.certificatesSeen(t)
		})
	}
}

var scenarios311 = []scenario311{
	{"[MQTT-3.8.4-6] SUBACK grants QoS 2 only when enabled", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect311(t, "grant3", true)
		if got := c.sub(t, "grant3/#", 2); got != q {
			t.Errorf("SUBACK granted QoS %d, want %d", got, q)
		}
	}},
	{"[MQTT-3.3.5-1] publish and subscribe at every QoS granted", func(t *testing.T, e *tlsEnv, q byte) {
		sub := e.mustConnect311(t, "sub3", true)
		sub.sub(t, "interop3/#", q)
		pub := e.mustConnect311(t, "pub3", true)
		for qos := range q + 1 {
			pub.pub(t, fmt.Sprintf("interop3/%d", qos), qos, false, fmt.Sprint("qos", qos))
		}
		for qos := range q + 1 {
			sub.expectMsg(t, fmt.Sprintf("interop3/%d", qos), fmt.Sprint("qos", qos), qos, false)
		}
	}},
	{"[MQTT-3.3.1-8] [MQTT-3.3.1-9] retained", func(t *testing.T, e *tlsEnv, q byte) {
		live := e.mustConnect311(t, "rlive3", true)
		live.sub(t, "state3/dev", q)
		e.mustConnect311(t, "rpub3", true).pub(t, "state3/dev", q, true, "on")
		live.expectMsg(t, "state3/dev", "on", q, false) // RETAIN 0 to an established subscription
		c := e.mustConnect311(t, "rsub3", true)
		c.sub(t, "state3/dev", q)
		c.expectMsg(t, "state3/dev", "on", q, true)
	}},
	{"[MQTT-3.1.2-8] will on connection loss", func(t *testing.T, e *tlsEnv, q byte) {
		watch := e.mustConnect311(t, "watch3", true)
		watch.sub(t, "wills3/#", q)
		dying, err := e.connect311(t, "dying3", true, "wills3/dying3", q)
		if err != nil {
			t.Fatal(err)
		}
		dying.drop()
		watch.expectMsg(t, "wills3/dying3", "dying3 is gone", q, false)
	}},
	{"[MQTT-3.1.2-10] no will after DISCONNECT", func(t *testing.T, e *tlsEnv, q byte) {
		watch := e.mustConnect311(t, "watchok3", true)
		watch.sub(t, "willsok3/#", q)
		leaving, err := e.connect311(t, "leaving3", true, "willsok3/leaving3", q)
		if err != nil {
			t.Fatal(err)
		}
		leaving.Disconnect(100)
		expectNothing(t, watch.msgs, 100*time.Millisecond, "will after DISCONNECT")
	}},
	{"[MQTT-3.1.2-4] [MQTT-3.2.2-2] persistent session resumes with queued messages", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect311(t, "persist3", false)
		c.sub(t, "queue3/#", q)
		c.Disconnect(100)
		e.waitOffline(t, "persist3")
		pub := e.mustConnect311(t, "qpub3", true)
		for _, p := range []string{"1", "2", "3"} {
			pub.pub(t, "queue3/x", q, false, p)
		}
		c = e.mustConnect311(t, "persist3", false)
		if !c.present {
			t.Error("CONNACK Session Present 0 for a stored session")
		}
		for _, want := range []string{"1", "2", "3"} {
			c.expectMsg(t, "queue3/x", want, q, false)
		}
	}},
	{"[MQTT-3.1.4-2] takeover closes the old connection", func(t *testing.T, e *tlsEnv, q byte) {
		first := e.mustConnect311(t, "same3", true)
		e.mustConnect311(t, "same3", true)
		waitFor(t, first.lost, "connection loss")
	}},
	{"denied publish closes the connection (AWS)", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect311(t, "denypub3", true)
		c.Publish("forbidden", q, false, "x")
		waitFor(t, c.lost, "connection loss")
	}},
	{"denied subscribe closes the connection (AWS)", func(t *testing.T, e *tlsEnv, q byte) {
		c := e.mustConnect311(t, "denysub3", true)
		c.Subscribe("forbidden/#", q, nil)
		waitFor(t, c.lost, "connection loss")
	}},
}
