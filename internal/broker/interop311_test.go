package broker

import (
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
	msgs chan mqtt.Message
	lost chan error

	mu sync.Mutex
	nc net.Conn
}

// connect311 connects a paho.mqtt.golang client over TLS.
func (e *tlsEnv) connect311(t *testing.T, id string, clean bool, will string) (*v3Client, error) {
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
		o.SetWill(will, id+" is gone", 1, false)
	}
	c.Client = mqtt.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(ioTimeout) {
		t.Fatalf("connect %s timed out", id)
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return c, nil
}

func (e *tlsEnv) mustConnect311(t *testing.T, id string, clean bool) *v3Client {
	t.Helper()
	c, err := e.connect311(t, id, clean, "")
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

func (c *v3Client) sub(t *testing.T, filter string, qos byte) {
	t.Helper()
	if err := wait(t, c.Subscribe(filter, qos, nil)); err != nil {
		t.Fatalf("subscribe %s: %v", filter, err)
	}
}

func (c *v3Client) pub(t *testing.T, topic string, qos byte, retain bool, payload string) {
	t.Helper()
	if err := wait(t, c.Publish(topic, qos, retain, payload)); err != nil {
		t.Fatalf("publish %s: %v", topic, err)
	}
}

func TestServer_Serve_PahoMQTT311OverTLS(t *testing.T) {
	t.Parallel()
	e := startTLS(t, newFakeAuth("iot:Publish topic/forbidden", "iot:Subscribe topicfilter/forbidden/#"), nil)

	t.Run("publish and subscribe QoS 0 and 1", func(t *testing.T) {
		sub := e.mustConnect311(t, "sub3", true)
		sub.sub(t, "interop3/#", 1)
		pub := e.mustConnect311(t, "pub3", true)
		pub.pub(t, "interop3/a", 0, false, "zero")
		pub.pub(t, "interop3/b", 1, false, "one")
		for _, want := range []string{"zero", "one"} {
			if m := waitFor(t, sub.msgs, want); string(m.Payload()) != want {
				t.Errorf("got %q, want %q", m.Payload(), want)
			}
		}
	})

	t.Run("retained", func(t *testing.T) {
		pub := e.mustConnect311(t, "rpub3", true)
		pub.pub(t, "state3/dev", 1, true, "on")
		c := e.mustConnect311(t, "rsub3", true)
		c.sub(t, "state3/dev", 1)
		if m := waitFor(t, c.msgs, "retained"); !m.Retained() || string(m.Payload()) != "on" {
			t.Errorf("retained %q retain=%v", m.Payload(), m.Retained())
		}
	})

	t.Run("will on connection loss", func(t *testing.T) {
		watch := e.mustConnect311(t, "watch3", true)
		watch.sub(t, "wills3/#", 1)
		dying, err := e.connect311(t, "dying3", true, "wills3/dying3")
		if err != nil {
			t.Fatal(err)
		}
		dying.mu.Lock()
		_ = dying.nc.Close() // no DISCONNECT
		dying.mu.Unlock()
		if m := waitFor(t, watch.msgs, "will"); m.Topic() != "wills3/dying3" {
			t.Errorf("got %q", m.Topic())
		}
	})

	t.Run("persistent session resumes with queued QoS 1", func(t *testing.T) {
		c := e.mustConnect311(t, "persist3", false)
		c.sub(t, "queue3/#", 1)
		c.Disconnect(100)
		pub := e.mustConnect311(t, "qpub3", true)
		for _, p := range []string{"1", "2", "3"} {
			pub.pub(t, "queue3/x", 1, false, p)
		}
		c = e.mustConnect311(t, "persist3", false)
		for _, want := range []string{"1", "2", "3"} {
			if m := waitFor(t, c.msgs, "queued "+want); string(m.Payload()) != want {
				t.Errorf("got %q, want %q", m.Payload(), want)
			}
		}
	})

	t.Run("takeover closes the old connection", func(t *testing.T) {
		first := e.mustConnect311(t, "same3", true)
		e.mustConnect311(t, "same3", true)
		waitFor(t, first.lost, "connection loss")
	})

	t.Run("denied publish closes the connection", func(t *testing.T) {
		c := e.mustConnect311(t, "denypub3", true)
		c.Publish("forbidden", 1, false, "x")
		waitFor(t, c.lost, "connection loss")
	})

	t.Run("denied subscribe closes the connection", func(t *testing.T) {
		c := e.mustConnect311(t, "denysub3", true)
		c.Subscribe("forbidden/#", 1, nil)
		waitFor(t, c.lost, "connection loss")
	})
	if st := e.s.Stats(); st.DeniedPublish != 1 || st.DeniedSubscribe != 1 {
		t.Errorf("denials counted: publish %d, subscribe %d", st.DeniedPublish, st.DeniedSubscribe)
	}
	e.certificatesSeen(t)
}
