package loadgen

import (
	"encoding/json"
	"strings"
	"testing"
)

// sampleReport is a fan-in report with every section filled in.
func sampleReport() *Report {
	p := &Percentiles{Count: 3_000_000, Min: 0.05, Mean: 0.2, P50: 0.18, P90: 0.25, P99: 0.33, P999: 1.2, Max: 7.5}
	return &Report{
		Mode: ModeFanIn, URL: "mqtt://127.0.0.1:1883", MQTT: "3.1.1", QoS: 1, Size: 64, Publishers: 4, Subscribers: 1,
		Pacing: "20,000 msg/s in total", Duration: 10, Machine: Machine{CPUs: 2, LoadAvg: "0.5 0.4 0.3", BusyPercent: 150},
		Connect: ConnectStats{Attempted: 5, Connected: 5, Seconds: 0.01, PerSecond: 500, Latency: p},
		Messages: &Messages{Sent: 200_000, SentPerSecond: 20_000, Acked: 200_000, AckLatency: p, Expected: 200_000,
			Received: 199_990, ReceivedWhilePublishing: 199_000, RecvPerSecond: 19_900, Lost: 10, LossPercent: 0.005, Latency: p},
		Broker:     &Broker{PID: 42, Before: 8000, Connected: 8004, After: 9000, Peak: 9100, PerConnKiB: 0.8, CPUPercent: 55},
		ErrorCount: 1, Errors: []string{"s0: broker closed the connection"},
	}
}

func TestReport_WriteText(t *testing.T) {
	var b strings.Builder
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"hob bench fan-in: MQTT 3.1.1, QoS 1, 64-byte payloads, 4 publishers, 1 subscribers, 20,000 msg/s in total",
		"sent           200,000 msgs, 20,000 msg/s",
		"acknowledged   200,000",
		"received       199,990 msgs, 19,900 msg/s while publishing",
		"lost           10 of 200,000 expected (0.005%)",
		"latency        p50 0.180ms  p90 0.250ms  p99 0.330ms  p99.9 1.20ms  max 7.50ms",
		"broker rss     pid 42: 8000 KiB before, 8004 KiB connected",
		"0.80 KiB per connection",
		"broker cpu     55% of one core",
		"errors         1\n  s0: broker closed the connection",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestReport_WriteText_NoSubscribers(t *testing.T) {
	rep := sampleReport()
	rep.Mode, rep.Subscribers = ModePub, 0
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "sent ") || strings.Contains(b.String(), "received") || strings.Contains(b.String(), "lost") {
		t.Errorf("a pub report should show what was sent, not received:\n%s", b.String())
	}
}

func TestReport_JSON(t *testing.T) {
	b, err := json.Marshal(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"received_per_second":19900`, `"p99_9":1.2`, `"rss_per_connection_kib":0.8`, `"ack_latency_ms":{`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}
