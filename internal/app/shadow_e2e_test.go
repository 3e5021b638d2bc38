package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// The tests in this file drive the Device Shadow service end to end: a
// real hob, devices provisioned through its API, paho over mutual TLS on
// the reserved topics (spec §1.2), and the iot-data HTTP API.

// shadowPolicy lets a device connect as its own thing, publish shadow
// requests and receive the replies for its own shadows over MQTT, and use
// its shadows over HTTP with its certificate (spec §1.9, §2.2). thing is
// spelled out for HTTP, where there is no client id to name it.
func shadowPolicy(thing string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"%[1]sclient/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"%[1]stopic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"%[1]stopicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
 {"Effect":"Allow","Action":["iot:GetThingShadow","iot:UpdateThingShadow","iot:DeleteThingShadow","iot:ListNamedShadowsForThing"],
  "Resource":["%[1]sthing/%[2]s","%[1]sthing/%[2]s/*"]}]}`, "arn:aws:iot:us-east-1:123456789012:", thing)
}

// shadowMsg is one message a recorder received, its payload decoded.
type shadowMsg struct {
	topic string
	doc   map[string]any
	raw   string
}

// recorder keeps every message a client receives on one subscription.
type recorder struct {
	mu   sync.Mutex
	msgs []shadowMsg
}

// record subscribes c to filter at QoS 1 and records what arrives.
func record(t *testing.T, c mqtt.Client, filter string) *recorder {
	t.Helper()
	r := &recorder{}
	tok := c.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		msg := shadowMsg{topic: m.Topic(), raw: string(m.Payload())}
		_ = json.Unmarshal(m.Payload(), &msg.doc)
		r.mu.Lock()
		r.msgs = append(r.msgs, msg)
		r.mu.Unlock()
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return r
}

// find returns the first recorded message on topic whose clientToken is
// token ("" matches a message without one).
func (r *recorder) find(topic, token string) (shadowMsg, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if got, _ := m.doc["clientToken"].(string); m.topic == topic && got == token {
			return m, true
		}
	}
	return shadowMsg{}, false
}

// await polls until a message on topic with clientToken token arrives,
// and returns its document.
func (r *recorder) await(t *testing.T, topic, token string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m, ok := r.find(topic, token); ok {
			return m.doc
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t.Fatalf("no message on %s with clientToken %q; received %d: %v", topic, token, len(r.msgs), r.msgs)
	return nil
}

// publish sends payload to topic at QoS 1 and waits for the PUBACK.
func publish(t *testing.T, c mqtt.Client, topic, payload string) {
	t.Helper()
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// at walks a decoded JSON document along keys.
func at(doc map[string]any, keys ...string) any {
	var v any = doc
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// jsonEq reports whether v encodes to the JSON text want.
func jsonEq(v any, want string) bool {
	b, err := json.Marshal(v)
	var w any
	if err != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	wb, _ := json.Marshal(w)
	return string(b) == string(wb)
}

// shadowDevice provisions thing with shadowPolicy and connects it over
// mutual TLS, recording everything under its shadow topics.
func shadowDevice(t *testing.T, srv *testutil.Server, thing string) (device, mqtt.Client, *recorder) {
	t.Helper()
	d := provisionWithPolicy(t, srv, srv.IoT(t), thing, shadowPolicy(thing))
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil)
	if err != nil {
		t.Fatalf("connect %s: %v", thing, err)
	}
	return d, c, record(t, c, "$aws/things/"+thing+"/shadow/#")
}

func TestShadowMQTT_ClassicShadowLifecycle(t *testing.T) {
	srv := testutil.StartServer(t)
	_, c, rec := shadowDevice(t, srv, "lamp")
	const p = "$aws/things/lamp/shadow"

	// A reply topic is not a request: publishing there creates nothing.
	publish(t, c, p+"/update/accepted", `{"state":{"reported":{"sneaky":1}},"clientToken":"x"}`)
	publish(t, c, p+"/get", `{"clientToken":"g0"}`)
	rej := rec.await(t, p+"/get/rejected", "g0")
	if at(rej, "code") != 404.0 || at(rej, "message") != "No shadow exists with name: 'lamp'" {
		t.Fatalf("get before any update: %v, want 404 No shadow exists with name: 'lamp'", rej)
	}

	before := float64(time.Now().Unix())
	publish(t, c, p+"/update", `{"state":{"desired":{"color":"red","level":5}},"clientToken":"u1"}`)
	acc := rec.await(t, p+"/update/accepted", "u1")
	if at(acc, "version") != 1.0 || !jsonEq(at(acc, "state"), `{"desired":{"color":"red","level":5}}`) {
		t.Fatalf("update/accepted = %v", acc)
	}
	if ts, _ := at(acc, "metadata", "desired", "color", "timestamp").(float64); ts < before || ts > float64(time.Now().Unix()) {
		t.Fatalf("update/accepted metadata %v: want epoch seconds of now", at(acc, "metadata"))
	}
	docs := rec.await(t, p+"/update/documents", "u1")
	if _, ok := docs["previous"]; ok || at(docs, "current", "version") != 1.0 ||
		!jsonEq(at(docs, "current", "state"), `{"desired":{"color":"red","level":5}}`) {
		t.Fatalf("update/documents on creation = %v, want current only", docs)
	}
	delta := rec.await(t, p+"/update/delta", "u1")
	if at(delta, "version") != 1.0 || !jsonEq(at(delta, "state"), `{"color":"red","level":5}`) {
		t.Fatalf("update/delta = %v", delta)
	}

	// A reported-only update that leaves the shadow out of sync publishes
	// the whole remaining delta (spec §1.5).
	publish(t, c, p+"/update", `{"state":{"reported":{"color":"green","level":5}},"clientToken":"u2"}`)
	delta = rec.await(t, p+"/update/delta", "u2")
	if at(delta, "version") != 2.0 || !jsonEq(at(delta, "state"), `{"color":"red"}`) {
		t.Fatalf("update/delta after a reported update = %v, want {color:red} at version 2", delta)
	}
	docs = rec.await(t, p+"/update/documents", "u2")
	if at(docs, "previous", "version") != 1.0 || at(docs, "current", "version") != 2.0 ||
		!jsonEq(at(docs, "current", "state", "reported"), `{"color":"green","level":5}`) {
		t.Fatalf("update/documents = %v", docs)
	}

	// Back in sync: accepted and documents, no delta.
	publish(t, c, p+"/update", `{"state":{"reported":{"color":"red"}},"clientToken":"u3"}`)
	rec.await(t, p+"/update/accepted", "u3")
	rec.await(t, p+"/update/documents", "u3")
	publish(t, c, p+"/get", `{"clientToken":"g1"}`)
	got := rec.await(t, p+"/get/accepted", "g1")
	if at(got, "version") != 3.0 || at(got, "state", "delta") != nil ||
		!jsonEq(at(got, "state"), `{"desired":{"color":"red","level":5},"reported":{"color":"red","level":5}}`) {
		t.Fatalf("get/accepted = %v", got)
	}
	if _, ok := rec.find(p+"/update/delta", "u3"); ok {
		t.Fatal("an update that restored sync published a delta")
	}

	publish(t, c, p+"/update", `{"state":{"reported":{"level":6}},"version":1,"clientToken":"u4"}`)
	if rej := rec.await(t, p+"/update/rejected", "u4"); at(rej, "code") != 409.0 || at(rej, "message") != "Version conflict" {
		t.Fatalf("stale version: %v, want 409 Version conflict", rej)
	}
	publish(t, c, p+"/update", `{"state":{"reported":{"level":6}},"version":3,"clientToken":"u5"}`)
	if acc := rec.await(t, p+"/update/accepted", "u5"); at(acc, "version") != 4.0 {
		t.Fatalf("update at the current version: %v", acc)
	}
	publish(t, c, p+"/update", `not json`)
	if rej := rec.await(t, p+"/update/rejected", ""); at(rej, "code") != 400.0 {
		t.Fatalf("non-JSON update: %v, want 400", rej)
	}
	publish(t, c, p+"/update", `{"state":{"desired":{"x":1}},"clientToken":"`+strings.Repeat("t", 65)+`"}`)
	publish(t, c, p+"/get", `{"clientToken":"g2"}`)
	if got := rec.await(t, p+"/get/accepted", "g2"); at(got, "version") != 4.0 {
		t.Fatalf("rejected updates changed the shadow: %v", got)
	}

	publish(t, c, p+"/delete", `{"clientToken":"d1"}`)
	if del := rec.await(t, p+"/delete/accepted", "d1"); at(del, "version") != 4.0 || at(del, "timestamp") == nil {
		t.Fatalf("delete/accepted = %v, want the deleted version 4", del)
	}
	publish(t, c, p+"/get", `{"clientToken":"g3"}`)
	rec.await(t, p+"/get/rejected", "g3")
	publish(t, c, p+"/delete", `{"clientToken":"d2"}`)
	if rej := rec.await(t, p+"/delete/rejected", "d2"); at(rej, "code") != 404.0 {
		t.Fatalf("deleting a deleted shadow: %v, want 404", rej)
	}
	// The version survives the delete (spec §1.6).
	publish(t, c, p+"/update", `{"state":{"reported":{"on":true}},"clientToken":"u6"}`)
	if acc := rec.await(t, p+"/update/accepted", "u6"); at(acc, "version") != 5.0 {
		t.Fatalf("re-created shadow: %v, want version 5", acc)
	}
}

func TestShadowMQTT_NamedShadows(t *testing.T) {
	srv := testutil.StartServer(t)
	_, c, rec := shadowDevice(t, srv, "gw")
	const p = "$aws/things/gw/shadow"

	for _, name := range []string{"cfg", "fw"} {
		publish(t, c, p+"/name/"+name+"/update", `{"state":{"desired":{"v":"`+name+`"}},"clientToken":"`+name+`"}`)
		if acc := rec.await(t, p+"/name/"+name+"/update/accepted", name); at(acc, "version") != 1.0 {
			t.Fatalf("named shadow %s: %v", name, acc)
		}
		if delta := rec.await(t, p+"/name/"+name+"/update/delta", name); !jsonEq(at(delta, "state"), `{"v":"`+name+`"}`) {
			t.Fatalf("named shadow %s delta: %v", name, delta)
		}
	}
	// The classic shadow is a separate document.
	publish(t, c, p+"/get", `{"clientToken":"classic"}`)
	rec.await(t, p+"/get/rejected", "classic")
	publish(t, c, p+"/name/cfg/get", `{"clientToken":"g"}`)
	if got := rec.await(t, p+"/name/cfg/get/accepted", "g"); !jsonEq(at(got, "state", "desired"), `{"v":"cfg"}`) {
		t.Fatalf("get named shadow cfg: %v", got)
	}
	publish(t, c, p+"/name/nope/get", `{"clientToken":"n"}`)
	if rej := rec.await(t, p+"/name/nope/get/rejected", "n"); at(rej, "code") != 404.0 {
		t.Fatalf("get a missing named shadow: %v", rej)
	}
	publish(t, c, p+"/name/fw/delete", `{"clientToken":"d"}`)
	rec.await(t, p+"/name/fw/delete/accepted", "d")

	r := dataCall(t, srv, srv.HTTPClient(t), "GET", "/api/things/shadow/ListNamedShadowsForThing/gw", "", nil, true)
	var list struct{ Results []string }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &list) != nil || len(list.Results) != 1 || list.Results[0] != "cfg" {
		t.Fatalf("list named shadows after deleting fw: %+v, want [cfg]", r)
	}
}

func TestShadowMQTT_OtherThingsShadowDenied(t *testing.T) {
	srv := testutil.StartServer(t)
	_, _, theirs := shadowDevice(t, srv, "theirs")
	d := provisionWithPolicy(t, srv, srv.IoT(t), "mine", shadowPolicy("mine"))

	// MQTT 3.1.1: AWS closes the connection of a denied PUBLISH (spec §2.6).
	lost := make(chan error, 1)
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, lost)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	c.Publish("$aws/things/theirs/shadow/update", 1, false, `{"state":{"desired":{"owned":true}},"clientToken":"evil"}`)
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("publishing to another thing's shadow did not close the connection")
	}
	// ...and a denied SUBSCRIBE to another thing's shadow replies too.
	c, err = connect(t, d, srv.App.MQTTAddr().String(), false, lost)
	if err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	c.Subscribe("$aws/things/theirs/shadow/update/accepted", 1, nil)
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("subscribing to another thing's shadow replies did not close the connection")
	}

	// The update never reached the service: their shadow does not exist.
	if r := dataCall(t, srv, srv.HTTPClient(t), "GET", "/things/theirs/shadow", "", nil, true); r.status != 404 {
		t.Fatalf("their shadow after the denied update: %+v, want 404", r)
	}
	theirs.mu.Lock()
	defer theirs.mu.Unlock()
	if len(theirs.msgs) != 0 {
		t.Fatalf("their device received %v", theirs.msgs)
	}
}

func TestShadowMQTT_ConcurrentUpdatesAreSerialised(t *testing.T) {
	srv := testutil.StartServer(t)
	// Four devices may all update the shared thing's shadow.
	shared := strings.ReplaceAll(shadowPolicy("shared"), "$aws/things/${iot:Connection.Thing.ThingName}/", "$aws/things/shared/")
	const devices, updates = 4, 25
	recs := make([]*recorder, devices)
	clients := make([]mqtt.Client, devices)
	for i := range devices {
		d := provisionWithPolicy(t, srv, srv.IoT(t), fmt.Sprintf("writer%d", i), shared)
		c, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil)
		if err != nil {
			t.Fatal(err)
		}
		clients[i], recs[i] = c, record(t, c, "$aws/things/shared/shadow/update/+")
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for n := range updates {
				c.Publish("$aws/things/shared/shadow/update", 1, false,
					fmt.Sprintf(`{"state":{"reported":{"w%d":%d}},"clientToken":"w%d-%d"}`, i, n, i, n)).Wait()
			}
		})
	}
	wg.Wait()
	versions := map[float64]bool{}
	for i := range devices {
		for n := range updates {
			acc := recs[0].await(t, "$aws/things/shared/shadow/update/accepted", fmt.Sprintf("w%d-%d", i, n))
			versions[acc["version"].(float64)] = true
		}
	}
	if len(versions) != devices*updates {
		t.Fatalf("%d updates got %d distinct versions: updates were lost or merged", devices*updates, len(versions))
	}
	r := dataCall(t, srv, srv.HTTPClient(t), "GET", "/things/shared/shadow", "", nil, true)
	var doc map[string]any
	if r.status != 200 || json.Unmarshal([]byte(r.body), &doc) != nil || at(doc, "version") != float64(devices*updates) {
		t.Fatalf("shared shadow after %d updates: %+v", devices*updates, r)
	}
	for i := range devices {
		if got := at(doc, "state", "reported", fmt.Sprintf("w%d", i)); got != float64(updates-1) {
			t.Fatalf("writer %d's last value is %v, want %d: an update was reordered", i, got, updates-1)
		}
	}
}

func TestShadowHTTP_CertificateCallersGovernedByPolicy(t *testing.T) {
	srv := testutil.StartServer(t)
	d, _, rec := shadowDevice(t, srv, "meter")
	hc := certClient(d.tls)

	r := dataCall(t, srv, hc, "POST", "/things/meter/shadow", `{"state":{"desired":{"rate":9}},"clientToken":"h1"}`, nil, false)
	if r.status != 200 || !strings.Contains(r.body, `"version":1`) {
		t.Fatalf("update own shadow with the certificate: %+v", r)
	}
	// An HTTP update publishes the MQTT replies too.
	if delta := rec.await(t, "$aws/things/meter/shadow/update/delta", "h1"); !jsonEq(at(delta, "state"), `{"rate":9}`) {
		t.Fatalf("delta of the HTTP update: %v", delta)
	}
	rec.await(t, "$aws/things/meter/shadow/update/accepted", "h1")
	for _, tc := range []struct {
		name, method, path string
		status             int
		errType            string
	}{
		{"get own", "GET", "/things/meter/shadow", 200, ""},
		{"update own named", "POST", "/things/meter/shadow?name=n1", 200, ""},
		{"list own", "GET", "/api/things/shadow/ListNamedShadowsForThing/meter", 200, ""},
		{"get another thing's", "GET", "/things/other/shadow", 403, "ForbiddenException"},
		{"update another thing's", "POST", "/things/other/shadow", 403, "ForbiddenException"},
		{"update another thing's named", "POST", "/things/other/shadow?name=n1", 403, "ForbiddenException"},
		{"delete another thing's", "DELETE", "/things/other/shadow", 403, "ForbiddenException"},
		{"list another thing's", "GET", "/api/things/shadow/ListNamedShadowsForThing/other", 403, "ForbiddenException"},
		{"delete own", "DELETE", "/things/meter/shadow", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dataCall(t, srv, hc, tc.method, tc.path, `{"state":{"reported":{"ok":true}}}`, nil, false)
			if r.status != tc.status || r.errType != tc.errType || !json.Valid([]byte(r.body)) {
				t.Fatalf("got %+v, want %d %s", r, tc.status, tc.errType)
			}
		})
	}
	// SigV4 callers may use any thing's shadow; the denied calls above
	// created nothing.
	if r := dataCall(t, srv, srv.HTTPClient(t), "GET", "/things/other/shadow", "", nil, true); r.status != 404 {
		t.Fatalf("another thing's shadow after denied updates: %+v, want 404", r)
	}
}

func TestShadow_SurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	sameDir := testutil.WithConfig(func(c *config.Config) { c.DataDir = dir })
	t.Run("write", func(t *testing.T) {
		srv := testutil.StartServer(t, sameDir)
		for _, body := range []string{`{"state":{"desired":{"a":1}}}`, `{"state":{"reported":{"a":2}}}`} {
			if r := dataCall(t, srv, srv.HTTPClient(t), "POST", "/things/keeper/shadow", body, nil, true); r.status != 200 {
				t.Fatalf("update: %+v", r)
			}
		}
		if r := dataCall(t, srv, srv.HTTPClient(t), "DELETE", "/things/keeper/shadow?name=gone", "", nil, true); r.status != 404 {
			t.Fatalf("delete a missing named shadow: %+v", r)
		}
	})
	// StartServer wants to create the admin key: let the second start
	// make a new one. The store and its shadows stay.
	if err := os.Remove(filepath.Join(dir, auth.KeysFile)); err != nil {
		t.Fatal(err)
	}
	t.Run("read after restart", func(t *testing.T) {
		srv := testutil.StartServer(t, sameDir)
		r := dataCall(t, srv, srv.HTTPClient(t), "GET", "/things/keeper/shadow", "", nil, true)
		var doc map[string]any
		if r.status != 200 || json.Unmarshal([]byte(r.body), &doc) != nil || at(doc, "version") != 2.0 ||
			!jsonEq(at(doc, "state"), `{"desired":{"a":1},"reported":{"a":2},"delta":{"a":1}}`) {
			t.Fatalf("shadow after a restart: %+v", r)
		}
	})
}
