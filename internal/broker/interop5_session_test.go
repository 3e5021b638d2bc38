package broker

import (
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// MQTT 5 session, keep-alive and will features through paho.golang; see
// TestServer_Serve_Paho5Features.

// sessionGone reports whether the broker holds no session for client id.
func (e *tlsEnv) sessionGone(id string) bool {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	return e.s.sessions[id] == nil
}

// dyingWith connects client id with a Will to topic at QoS q, delayed by
// delay seconds, and a session of expiry seconds, then drops its socket.
func dyingWith(t *testing.T, e *tlsEnv, id, topic string, q byte, delay, expiry uint32) {
	t.Helper()
	c, _ := e.mustDial5(t, id, opts5{expiry: expiry, will: &paho.WillMessage{Topic: topic, QoS: q, Payload: []byte(id + " is gone")},
		willProps: &paho.WillProperties{WillDelayInterval: &delay}})
	c.TerminateConnectionForTest()
}

var features5Session = []feature5{
	{"session ends when its expiry interval has passed (§3.1.2.11.2)", func(t *testing.T, e *tlsEnv, q byte) {
		c, _ := e.mustDial5(t, "f5sessexp", opts5{expiry: 1})
		c.sub(t, q, "f5/sessexp")
		_ = c.Disconnect(&paho.Disconnect{})
		eventually(t, "the session to expire", func() bool { return e.sessionGone("f5sessexp") })
		_, ack := e.mustDial5(t, "f5sessexp", opts5{expiry: 1})
		if ack.SessionPresent {
			t.Error("CONNACK Session Present 1 after the session expired")
		}
	}},
	{"[MQTT-3.1.2-23] session with expiry outlives its connection; CONNACK caps the interval (AWS §4.4)", func(t *testing.T, e *tlsEnv, q byte) {
		c, ack := e.mustDial5(t, "f5sesscap", opts5{expiry: 7200})
		if got := ack.Properties.SessionExpiryInterval; got == nil || *got != 3600 {
			t.Errorf("CONNACK Session Expiry Interval %v, want 3600", got)
		}
		c.sub(t, q, "f5/sesscap")
		_ = c.Disconnect(&paho.Disconnect{})
		e.waitOffline(t, "f5sesscap")
		e.mustConnect5(t, "f5sesscappub").pub(t, "f5/sesscap", q, false, "kept")
		c, ack = e.mustDial5(t, "f5sesscap", opts5{expiry: 3600})
		if !ack.SessionPresent {
			t.Error("CONNACK Session Present 0")
		}
		c.expectMsg(t, "f5/sesscap", "kept", q, false)
	}},
	{"[MQTT-3.2.2-21] server keep-alive in CONNACK", func(t *testing.T, e *tlsEnv, q byte) {
		for _, tc := range []struct {
			asked uint16
			want  uint16 // 0: no Server Keep Alive
		}{{0, 1200}, {5, 30}, {2000, 1200}, {60, 0}} {
			_, ack := e.mustDial5(t, "f5keepalive", opts5{clean: true, keepAlive: tc.asked, zeroKA: tc.asked == 0})
			got := ack.Properties.ServerKeepAlive
			if tc.want == 0 && got != nil || tc.want != 0 && (got == nil || *got != tc.want) {
				t.Errorf("Keep Alive %d: Server Keep Alive %v, want %d (AWS: 30..1200 s)", tc.asked, got, tc.want)
			}
		}
	}},
	{"[MQTT-3.2.2-12] will QoS above Maximum QoS is refused with 0x9B", func(t *testing.T, e *tlsEnv, q byte) {
		_, ack, err := e.dial5(t, "f5willq2", opts5{clean: true, will: &paho.WillMessage{Topic: "f5/willq2", QoS: 2}})
		switch {
		case q == 1 && (ack == nil || ack.ReasonCode != 0x9B):
			t.Errorf("will QoS 2 with QoS 2 off: CONNACK %+v (%v), want 0x9B", ack, err)
		case q == 2 && err != nil:
			t.Errorf("will QoS 2 with QoS 2 on: %v", err)
		}
	}},
	{"[MQTT-3.1.2-8] [MQTT-3.1.3-9] will delay", func(t *testing.T, e *tlsEnv, q byte) {
		// Three clients die at once, so the test waits for the delays once:
		// late's will comes after its 1 s delay; end's when its 1 s session
		// ends, before its delay; back reconnects within its 2 s delay, and
		// its will never comes.
		watch := e.mustConnect5(t, "f5wdwatch")
		watch.sub(t, q, "f5/willdelay/+")
		start := time.Now()
		dyingWith(t, e, "f5wdlate", "f5/willdelay/late", q, 1, 60)
		dyingWith(t, e, "f5wdend", "f5/willdelay/end", q, 3600, 1)
		dyingWith(t, e, "f5wdback", "f5/willdelay/back", q, 2, 60)
		e.waitOffline(t, "f5wdback")
		e.mustDial5(t, "f5wdback", opts5{expiry: 60})
		if late := time.Since(start); late > 1500*time.Millisecond {
			t.Fatalf("reconnecting took %v: too close to the 2 s delay to tell", late)
		}
		got := map[string]time.Duration{}
		for range 2 {
			m := waitFor(t, watch.msgs, "will")
			got[m.Topic] = time.Since(start)
		}
		for _, name := range []string{"late", "end"} {
			if d, ok := got["f5/willdelay/"+name]; !ok || d < 900*time.Millisecond {
				t.Errorf("wills %v: want f5/willdelay/%s after 1 s", got, name)
			}
		}
		expectNothing(t, watch.msgs, time.Until(start.Add(2300*time.Millisecond)), "will after the client came back")
	}},
}
