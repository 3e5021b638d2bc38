package shadow

import (
	"context"
	"fmt"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

// TestService_MQTT runs the request/reply topics of spec §1.2 through
// HandleMQTT with a recording Publisher.
func TestService_MQTT(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		s, rec := newService(t, st, Options{})
		const p = "$aws/things/lamp/shadow"
		s.HandleMQTT(p+"/get", []byte(`{"clientToken":"g0"}`))
		got := rec.waitFor(t, p+"/get/rejected", 1)[0]
		if field(t, got, "code") != "404" || field(t, got, "clientToken") != `"g0"` || field(t, got, "message") != `"No shadow exists with name: 'lamp'"` {
			t.Fatalf("get/rejected %s", got)
		}

		s.HandleMQTT(p+"/update", []byte(`{"state":{"desired":{"on":true}},"clientToken":"u1"}`))
		acc := rec.waitFor(t, p+"/update/accepted", 1)[0]
		docs := rec.waitFor(t, p+"/update/documents", 1)[0]
		delta := rec.waitFor(t, p+"/update/delta", 1)[0]
		if field(t, acc, "version") != "1" || field(t, acc, "clientToken") != `"u1"` {
			t.Fatalf("accepted %s", acc)
		}
		if field(t, docs, "previous") != "" || field(t, field(t, docs, "current"), "version") != "1" {
			t.Fatalf("documents on creation %s", docs)
		}
		if field(t, delta, "state") != `{"on":true}` || field(t, delta, "clientToken") != `"u1"` {
			t.Fatalf("delta %s", delta)
		}

		// A reported update that restores sync publishes no delta.
		s.HandleMQTT(p+"/update", []byte(`{"state":{"reported":{"on":true}}}`))
		rec.waitFor(t, p+"/update/documents", 2)
		if n := len(rec.on(p + "/update/delta")); n != 1 {
			t.Fatalf("%d deltas after sync, want 1", n)
		}
		// One that breaks it publishes the whole delta.
		s.HandleMQTT(p+"/update", []byte(`{"state":{"reported":{"on":false}}}`))
		if d := rec.waitFor(t, p+"/update/delta", 2)[1]; field(t, d, "state") != `{"on":true}` || field(t, d, "version") != "3" {
			t.Fatalf("delta after reported change %s", d)
		}

		s.HandleMQTT(p+"/get", nil)
		if g := rec.waitFor(t, p+"/get/accepted", 1)[0]; field(t, field(t, g, "state"), "delta") != `{"on":true}` {
			t.Fatalf("get/accepted %s", g)
		}
		s.HandleMQTT(p+"/delete", []byte(`{"clientToken":"d1"}`))
		if d := rec.waitFor(t, p+"/delete/accepted", 1)[0]; field(t, d, "version") != "3" || field(t, d, "clientToken") != `"d1"` {
			t.Fatalf("delete/accepted %s", d)
		}
		s.HandleMQTT(p+"/delete", nil)
		rec.waitFor(t, p+"/delete/rejected", 1)
	})
}

// TestService_MQTT_IgnoresNonRequests: the service's own replies and other
// topics under the filter produce nothing.
func TestService_MQTT_IgnoresNonRequests(t *testing.T) {
	s, rec := newService(t, backends[0].openStore(t), Options{})
	for _, topic := range []string{
		"$aws/things/x/shadow/update/accepted", "$aws/things/x/shadow/update/delta",
		"$aws/things/x/shadow/name/n/get/rejected", "$aws/things/x/shadow/name//get",
		"$aws/things/x/shadow/nope", "$aws/things/x/shadow", "$aws/things/x/jobs/get",
	} {
		s.HandleMQTT(topic, []byte(`{"state":{"desired":{"a":1}}}`))
	}
	s.HandleMQTT("$aws/things/x/shadow/get", nil) // a marker: its reply comes after any of the above
	rec.waitFor(t, "$aws/things/x/shadow/get/rejected", 1)
	if n := rec.count(); n != 1 {
		t.Fatalf("non-requests produced replies: %v", rec.topics())
	}
}

// TestService_MQTT_OrderPerShadow: requests for one shadow are processed
// and answered in arrival order.
func TestService_MQTT_OrderPerShadow(t *testing.T) {
	s, rec := newService(t, backends[0].openStore(t), Options{Workers: 4})
	const n = 60
	for i := range n {
		for _, thing := range []string{"a", "b", "c"} {
			s.HandleMQTT("$aws/things/"+thing+"/shadow/update", fmt.Appendf(nil, `{"state":{"reported":{"i":%d}},"clientToken":"%d"}`, i, i))
		}
	}
	for _, thing := range []string{"a", "b", "c"} {
		for i, acc := range rec.waitFor(t, "$aws/things/"+thing+"/shadow/update/accepted", n) {
			if field(t, acc, "version") != fmt.Sprint(i+1) || field(t, acc, "clientToken") != fmt.Sprintf(`"%d"`, i) {
				t.Fatalf("%s: reply %d is %s", thing, i, acc)
			}
		}
	}
}

// TestService_Close_DrainsQueue: Close waits for queued requests and their
// replies; requests after Close are dropped and counted.
func TestService_Close_DrainsQueue(t *testing.T) {
	s, rec := newService(t, backends[0].openStore(t), Options{Workers: 2})
	const n = 100
	for i := range n {
		s.HandleMQTT(fmt.Sprintf("$aws/things/t%d/shadow/update", i), []byte(`{"state":{"reported":{"a":1}}}`))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if len(rec.on(fmt.Sprintf("$aws/things/t%d/shadow/update/accepted", i))) != 1 {
			t.Fatalf("request %d not answered before Close returned", i)
		}
	}
	s.HandleMQTT("$aws/things/late/shadow/get", nil)
	if s.Dropped() != 1 {
		t.Fatalf("Dropped = %d, want 1", s.Dropped())
	}
	if _, err := s.Get(ctx, "late", ""); err == nil {
		t.Fatal("Get after Close succeeded")
	}
	_ = s.Close() // idempotent
}

// TestService_MQTT_Throttle: a full queue answers 429 on /rejected.
func TestService_MQTT_Throttle(t *testing.T) {
	blocked := make(chan struct{})
	rec := &gatedPublisher{gate: blocked}
	s, err := New(backends[0].openStore(t), rec, Options{Workers: 1, QueueLength: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		s.HandleMQTT("$aws/things/q/shadow/update", fmt.Appendf(nil, `{"state":{"reported":{"i":%d}},"clientToken":"c%d"}`, i, i))
	}
	close(blocked)
	_ = s.Close()
	var throttled int
	for _, m := range rec.on("$aws/things/q/shadow/update/rejected") {
		if field(t, m, "code") != "429" {
			t.Fatalf("rejected %s", m)
		}
		throttled++
	}
	accepted := len(rec.on("$aws/things/q/shadow/update/accepted"))
	if throttled == 0 || accepted+throttled+int(s.Dropped()) != 10 {
		t.Fatalf("%d accepted, %d throttled, %d dropped of 10", accepted, throttled, s.Dropped())
	}
}

// gatedPublisher records like recorder but blocks every Publish until
// gate is closed, so a worker stalls and its queue fills.
type gatedPublisher struct {
	recorder
	gate chan struct{}
}

func (g *gatedPublisher) Publish(c context.Context, topic string, payload []byte, qos byte) error {
	<-g.gate
	return g.recorder.Publish(c, topic, payload, qos)
}
