package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/testutil"
)

// The tests in this file drive hob with MQTT.js (npm `mqtt`, pinned in
// tests/mqttjs/package-lock.json), the JavaScript client on Node's TLS,
// through tests/mqttjs/client.mjs.

// mqttjsResult is what client.mjs prints: what happened on its one
// connection.
type mqttjsResult struct {
	Connected bool  `json:"connected"`
	Granted   []int `json:"granted"`
	Puback    *int  `json:"puback"`
	Received  []struct {
		Topic   string `json:"topic"`
		Payload string `json:"payload"`
		QoS     int    `json:"qos"`
		Retain  bool   `json:"retain"`
	} `json:"received"`
	Closed bool   `json:"closed"`
	Error  string `json:"error"`
}

// mqttjsDir returns the absolute path of tests/mqttjs, skipping the test
// when node or the installed packages are missing, except under CI=true,
// where that fails it: .ci/install-test-deps runs `npm ci` there.
func mqttjsDir(t *testing.T) string {
	t.Helper()
	testutil.RequireTool(t, "node")
	dir, err := filepath.Abs(filepath.Join("..", "..", "tests", "mqttjs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mqtt", "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("MQTT.js is not installed in %s (%v); `make test-deps` runs npm ci there", dir, err)
		}
		t.Skipf("MQTT.js is not installed: run `npm ci` in %s (CI=true makes this a failure)", dir)
	}
	return dir
}

// mqttjs runs client.mjs with args for d (its certificate, key and client
// id, trusting hob's CA) and returns what it printed and its exit code.
func mqttjs(t *testing.T, srv *testutil.Server, d device, args ...string) (mqttjsResult, int) {
	t.Helper()
	dir := mqttjsDir(t)
	cert, key := d.files(t)
	all := append([]string{"client.mjs", "--ca", srv.CAFile, "--cert", cert, "--key", key, "--id", d.name, "--timeout", "10000"}, args...)
	r := runTool(t, 20*time.Second, dir, "node", all...)
	var res mqttjsResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("node %v: exit %d, output %q, stderr %q: %v", all, r.code, r.stdout, r.stderr, err)
	}
	return res, r.code
}

func TestMQTTJS_RoundTripOverTLSWithClientCertificates(t *testing.T) {
	mqttjsDir(t)
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := startQoS2(t, mode.on)
			client := srv.IoT(t)
			for _, tc := range []struct {
				name string
				addr string
				alpn string
			}{
				{"port 8883", srv.App.MQTTAddr().String(), ""},
				{"ALPN x-amzn-mqtt-ca on the HTTPS port", srv.App.HTTPSAddr().String(), "x-amzn-mqtt-ca"},
			} {
				if mode.on && tc.alpn != "" {
					continue // the transport does not depend on QoS: port 8883 suffices
				}
				for _, version := range []string{"4", "5"} {
					t.Run(fmt.Sprintf("%s/v%s", tc.name, version), func(t *testing.T) {
						mqttjsRoundTrip(t, srv, client, tc.addr, tc.alpn, version, mode.top)
					})
				}
			}
		})
	}
}

// mqttjsRoundTrip has MQTT.js subscribe to its own topic at QoS qos and
// publish to it at that QoS, and checks the message comes back at it.
func mqttjsRoundTrip(t *testing.T, srv *testutil.Server, client *iot.Client, addr, alpn, version string, qos int) {
	d := provision(t, srv, client, fmt.Sprintf("js_%s_%s", portOf(addr), version))
	topic := "elf/" + d.name
	args := []string{"--url", "mqtts://localhost:" + portOf(addr), "--mode", "roundtrip",
		"--topic", topic, "--qos", fmt.Sprint(qos), "--version", version, "--message", "hello " + addr}
	if alpn != "" {
		args = append(args, "--alpn", alpn)
	}
	res, code := mqttjs(t, srv, d, args...)
	if code != 0 || !slices.Equal(res.Granted, []int{qos}) || len(res.Received) != 1 ||
		res.Received[0].Topic != topic || res.Received[0].Payload != "hello "+addr || res.Received[0].QoS != qos {
		t.Fatalf("MQTT.js round trip: exit %d, %+v; want SUBACK [%d] and the message back at QoS %d", code, res, qos, qos)
	}
}

func TestMQTTJS_SubscribeToOtherThingsTopicDenied(t *testing.T) {
	mqttjsDir(t)
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	url := "mqtts://localhost:" + portOf(srv.App.MQTTAddr().String())

	// 3.1.1: AWS closes the connection on a denied SUBSCRIBE (spec §2.6).
	d4 := provision(t, srv, client, "js_deny_4")
	res, code := mqttjs(t, srv, d4, "--url", url, "--mode", "sub", "--topic", "elf/someone_else", "--qos", "1", "--version", "4")
	if code != 1 || !res.Connected || !res.Closed || res.Granted != nil {
		t.Fatalf("v4: exit %d, %+v; want connected, then closed without a SUBACK", code, res)
	}

	// 5: SUBACK with reason code 0x87 Not authorized, and the connection stays.
	d5 := provision(t, srv, client, "js_deny_5")
	res, code = mqttjs(t, srv, d5, "--url", url, "--mode", "sub", "--topic", "elf/someone_else", "--qos", "1", "--version", "5")
	if code != 1 || !res.Connected || res.Closed || !slices.Equal(res.Granted, []int{0x87}) {
		t.Fatalf("v5: exit %d, %+v; want SUBACK [0x87] on a connection that stays open", code, res)
	}
}
