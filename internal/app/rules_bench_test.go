package app_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// benchWindow is how far the publisher may run ahead of the subscriber:
// less than a session's outbound queue (1024), so that QoS 0 messages are
// measured, not dropped.
const benchWindow = 512

// BenchmarkRules_EndToEnd measures broker → rule → republish →
// subscriber: a rule `SELECT * FROM 'bench/in'` republishes every message
// to bench/out, which an MQTT client (on the --dev plain listener)
// subscribes to at QoS 0. One op is one message received by the
// subscriber. The publisher is either an MQTT client (mqtt) or in-process
// (broker.Publish, as HTTP publishes are), to tell the rules engine's cost
// from the MQTT client's; mqtt-norule is the same clients without the rule
// (the publisher writes to bench/out), the ceiling of the broker and the
// clients.
func BenchmarkRules_EndToEnd(b *testing.B) {
	srv := testutil.StartServer(b, testutil.WithConfig(func(c *config.Config) { c.Dev = true }))
	createRule(b, srv, "bench", "SELECT * FROM 'bench/in'", []string{`{"republish":{"topic":"bench/out","roleArn":"arn:aws:iam::123456789012:role/hob"}}`}, "")
	addr := srv.App.DevMQTTAddr().String()
	var received atomic.Int64
	sub := benchClient(b, addr, "bench-sub")
	if tok := sub.Subscribe("bench/out", 0, func(mqtt.Client, mqtt.Message) { received.Add(1) }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		b.Fatalf("subscribe: %v", tok.Error())
	}
	payload := []byte(`{"temp":21,"device":"bench","seq":12345}`)
	pub := benchClient(b, addr, "bench-pub")
	publishers := map[string]func() error{
		"mqtt": func() error { pub.Publish("bench/in", 0, false, payload); return nil },
		// No rule: the publisher writes to bench/out itself, the ceiling
		// of the broker and the MQTT clients.
		"mqtt-norule": func() error { pub.Publish("bench/out", 0, false, payload); return nil },
		"inprocess": func() error {
			return srv.App.Broker().Publish(context.Background(), &broker.Message{Topic: "bench/in", Payload: payload})
		},
	}
	for _, name := range []string{"mqtt", "mqtt-norule", "inprocess"} {
		publish := publishers[name]
		b.Run(name, func(b *testing.B) {
			start := received.Load()
			b.ResetTimer()
			for i := range b.N {
				for int64(i)-(received.Load()-start) > benchWindow {
					runtime.Gosched() // blocking on a channel per message costs more than this
				}
				if err := publish(); err != nil {
					b.Fatal(err)
				}
			}
			deadline := time.Now().Add(30 * time.Second)
			for received.Load()-start < int64(b.N) {
				if time.Now().After(deadline) {
					b.Fatalf("the subscriber got %d of %d messages", received.Load()-start, b.N)
				}
				time.Sleep(100 * time.Microsecond)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

// benchClient connects an MQTT 3.1.1 client to the plain listener addr.
func benchClient(tb testing.TB, addr, id string) mqtt.Client {
	tb.Helper()
	opts := mqtt.NewClientOptions().AddBroker("tcp://" + addr).SetClientID(id).SetAutoReconnect(false).
		SetConnectTimeout(10 * time.Second).SetProtocolVersion(4).SetOrderMatters(false)
	c := mqtt.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		tb.Fatalf("connect %s: %v", id, tok.Error())
	}
	tb.Cleanup(func() { c.Disconnect(0) })
	return c
}
