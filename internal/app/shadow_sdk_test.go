package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
)

// The test in this file runs tests/shadowsdk/shadow.js, a Device Shadow
// app on the AWS IoT Device SDK for JavaScript (npm aws-iot-device-sdk
// v2, its thingShadow class, pinned in tests/shadowsdk/package-lock.json),
// unchanged apart from host, port and certificate paths.

// sdkEvent is one line that shadow.js prints.
type sdkEvent struct {
	Event   string         `json:"event"`
	What    string         `json:"what"`
	Stat    string         `json:"stat"`
	State   map[string]any `json:"state"`
	Version float64        `json:"version"`
	Error   string         `json:"error"`
}

// shadowSDKDir returns the absolute path of tests/shadowsdk, skipping the
// test when node or the SDK is missing, except under CI=true, where that
// fails it: .ci/install-test-deps runs `npm ci` there.
func shadowSDKDir(t *testing.T) string {
	t.Helper()
	testutil.RequireTool(t, "node")
	dir, err := filepath.Abs(filepath.Join("..", "..", "tests", "shadowsdk"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws-iot-device-sdk", "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("aws-iot-device-sdk is not installed in %s (%v); `make test-deps` runs npm ci there", dir, err)
		}
		t.Skipf("aws-iot-device-sdk is not installed: run `npm ci` in %s (CI=true makes this a failure)", dir)
	}
	return dir
}

func TestShadowSDK_JavaScriptThingShadow(t *testing.T) {
	dir := shadowSDKDir(t)
	srv := testutil.StartServer(t)
	d := provisionWithPolicy(t, srv, srv.IoT(t), "js_lamp", shadowPolicy("js_lamp"))
	cert, key := d.files(t)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "shadow.js", "--host", "localhost", "--port", portOf(srv.App.MQTTAddr().String()),
		"--ca", srv.CAFile, "--cert", cert, "--key", key, "--thing", d.name, "--timeout", "20000")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var events []sdkEvent
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var ev sdkEvent
		if err := json.Unmarshal(lines.Bytes(), &ev); err != nil {
			t.Errorf("shadow.js printed %q", lines.Text())
			continue
		}
		events = append(events, ev)
		if ev.Event == "reported" {
			// A phone app sets the desired state over HTTP; the device
			// gets the delta over MQTT.
			r := dataCall(t, srv, srv.HTTPClient(t), "POST", "/things/js_lamp/shadow",
				`{"state":{"desired":{"color":"red","mode":"eco"}}}`, nil, true)
			if r.status != 200 {
				t.Errorf("setting desired state: %+v", r)
			}
		}
	}
	err = cmd.Wait()
	if err != nil {
		t.Fatalf("shadow.js: %v; events %+v; stderr %s", err, events, stderr.String())
	}

	var delta, got *sdkEvent
	for i := range events {
		switch events[i].Event {
		case "delta":
			delta = &events[i]
		case "got":
			got = &events[i]
		}
	}
	// The delta carries only what differs: color, not mode.
	if delta == nil || !jsonEq(delta.State, `{"color":"red"}`) || delta.Version != 2 {
		t.Fatalf("delta the SDK saw: %+v, want {color:red} at version 2 (events %+v)", delta, events)
	}
	if got == nil || got.Version != 3 ||
		!jsonEq(got.State, `{"desired":{"color":"red","mode":"eco"},"reported":{"color":"red","mode":"eco"}}`) {
		t.Fatalf("shadow the SDK got back: %+v, want version 3 in sync (events %+v)", got, events)
	}
}
