package loadgen

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// lightLoad returns a short, paced run against url: low load, so that a
// sound broker loses nothing even at QoS 0.
func lightLoad(url string, mode Mode, qos byte, mqtt int, topic string) Config {
	c := DefaultConfig()
	c.URL, c.Mode, c.QoS, c.MQTT, c.Topic = url, mode, qos, mqtt, topic
	c.Clients, c.Subscribers = 3, 3
	c.Rate, c.Duration, c.Drain = 600, 2*time.Second, 5*time.Second
	return c
}

// TestRun_Mosquitto runs every message mode at both QoS levels, each
// with one protocol version, against a real Mosquitto.
func TestRun_Mosquitto(t *testing.T) {
	m := startMosquitto(t)
	modes := []Mode{ModePub, ModeFanIn, ModeFanOut, ModeP2P}
	for i, mode := range modes {
		for _, qos := range []byte{0, 1} {
			mqtt := []int{3, 5}[(i+int(qos))%2]
			t.Run(fmt.Sprintf("%s/qos%d/mqtt%d", mode, qos, mqtt), func(t *testing.T) {
				cfg := lightLoad(m.url("mqtt"), mode, qos, mqtt, fmt.Sprintf("t/%s/%d", mode, qos))
				cfg.BrokerPID = m.pid
				rep, err := Run(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				checkReport(t, rep, cfg)
			})
		}
	}
}

// checkReport checks what any sound run at light load must show.
func checkReport(t *testing.T, rep *Report, cfg Config) {
	t.Helper()
	if rep.ErrorCount != 0 {
		t.Errorf("errors: %d %q", rep.ErrorCount, rep.Errors)
	}
	topo := topologyOf(&cfg)
	want := int64(topo.connections())
	if rep.Connect.Connected != want || rep.Connect.Failed != 0 {
		t.Errorf("connected %d, failed %d; want %d, 0", rep.Connect.Connected, rep.Connect.Failed, want)
	}
	if b := rep.Broker; b == nil || b.Before <= 0 || b.After <= 0 || b.Error != "" {
		t.Errorf("broker not measured: %+v", rep.Broker)
	}
	m := rep.Messages
	if m == nil || m.Sent == 0 || m.SentPerSecond <= 0 {
		t.Fatalf("nothing sent: %+v", m)
	}
	if cfg.QoS == 1 && (m.Acked != m.Sent || m.AckLatency == nil || m.AckLatency.P50 <= 0) {
		t.Errorf("acked %d of %d, ack latency %+v", m.Acked, m.Sent, m.AckLatency)
	}
	if rep.Subscribers > 0 {
		checkDeliveries(t, m, cfg.QoS)
	}
	if t.Failed() {
		var b strings.Builder
		_ = rep.WriteText(&b)
		t.Logf("report:\n%s", b.String())
	}
}

// checkDeliveries checks the subscribers' side of a report.
func checkDeliveries(t *testing.T, m *Messages, qos byte) {
	t.Helper()
	if m.Expected == 0 || m.Received == 0 || m.Foreign != 0 || m.Late != 0 {
		t.Errorf("expected %d, received %d, foreign %d, late %d", m.Expected, m.Received, m.Foreign, m.Late)
	}
	if qos == 1 && (m.Received != m.Expected || m.Lost != 0) {
		t.Errorf("QoS 1: received %d, lost %d; want all %d", m.Received, m.Lost, m.Expected)
	}
	if m.Received+m.Lost != m.Expected {
		t.Errorf("received %d + lost %d != expected %d", m.Received, m.Lost, m.Expected)
	}
	l := m.Latency
	if l == nil || l.Count != m.Received || l.Min <= 0 || l.P50 < l.Min || l.P99 < l.P50 || l.Max < l.P999 {
		t.Errorf("latency %+v for %d messages", l, m.Received)
	}
}
