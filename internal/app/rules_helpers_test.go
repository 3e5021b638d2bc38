package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/testutil"
)

// rulesPolicy lets a rules test device connect and use every topic.
const rulesPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`

// rulesDevice provisions a device that may use any topic and connects it
// over MQTT with TLS.
func rulesDevice(t *testing.T, srv *testutil.Server, name string) mqtt.Client {
	t.Helper()
	d := provisionWithPolicy(t, srv, srv.IoT(t), name, rulesPolicy)
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return c
}

// createRule creates a topic rule with the aws CLI, as a user would:
// sql, awsIotSqlVersion 2016-03-23, and the actions and error action
// given as JSON (errorAction "" for none).
func createRule(t testing.TB, srv *testutil.Server, name, sql string, actions []string, errorAction string) {
	t.Helper()
	payload := `{"sql":` + jsonString(sql) + `,"awsIotSqlVersion":"2016-03-23","actions":[` + strings.Join(actions, ",") + `]`
	if errorAction != "" {
		payload += `,"errorAction":` + errorAction
	}
	payload += "}"
	out, errOut, code := srv.AWSCLI(t, "iot", "create-topic-rule", "--rule-name", name, "--topic-rule-payload", payload)
	if code != 0 {
		t.Fatalf("aws iot create-topic-rule %s: exit %d\n%s\n%s", name, code, out, errOut)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// republishTo is a republish action object.
func republishTo(topic string) string {
	return `{"republish":{"topic":` + jsonString(topic) + `,"qos":1,"roleArn":"arn:aws:iam::123456789012:role/hob"}}`
}

// publish1 publishes payload on topic at QoS 1 and waits for the PUBACK.
func publish1(t *testing.T, c mqtt.Client, topic, payload string) {
	t.Helper()
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// nothing fails the test if got yields a message within d.
func nothing(t *testing.T, got <-chan string, d time.Duration) {
	t.Helper()
	select {
	case m := <-got:
		t.Fatalf("unexpected message %q", m)
	case <-time.After(d):
	}
}

// next returns the next message of got, failing after 15s.
func next(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case m := <-got:
		return m
	case <-time.After(15 * time.Second):
		t.Fatal("no message within 15s")
	}
	return ""
}

// metrics returns the text of hob's /metrics.
func metrics(t *testing.T, srv *testutil.Server) string {
	t.Helper()
	resp, err := http.Get("http://" + srv.App.MetricsAddr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// eventually polls cond for up to 15s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
