package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
)

// The tests in this file drive the shadow HTTP API with the real aws CLI
// (`aws iot-data ...`), as a user would, while a device watches its
// shadow topics over MQTT.

// shadowCLI runs aws iot-data commands against one hob.
type shadowCLI struct {
	t   *testing.T
	srv *testutil.Server
	raw string // the option that sends --payload as raw text
}

func newShadowCLI(t *testing.T, srv *testutil.Server) shadowCLI {
	t.Helper()
	raw := "--cli-binary-format=raw-in-base64-out"
	if out, stderr, _ := srv.AWSCLI(t, "--version"); strings.HasPrefix(out+stderr, "aws-cli/1.") {
		raw = "--no-paginate" // CLI v1 sends blob arguments raw already
	}
	return shadowCLI{t: t, srv: srv, raw: raw}
}

// doc runs a shadow command whose output is a document written to the
// outfile argument, which it must succeed at, and returns that document.
func (c shadowCLI) doc(args ...string) map[string]any {
	c.t.Helper()
	out := filepath.Join(c.t.TempDir(), "out.json")
	_, stderr, code := c.srv.AWSCLI(c.t, append(append([]string{"iot-data"}, args...), c.raw, out)...)
	if code != 0 {
		c.t.Fatalf("aws iot-data %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		c.t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		c.t.Fatalf("aws iot-data %s wrote %q: %v", strings.Join(args, " "), b, err)
	}
	return doc
}

// fail runs a shadow command that must fail, and returns its stderr,
// which must name the AWS error type.
func (c shadowCLI) fail(errType string, args ...string) string {
	c.t.Helper()
	out := filepath.Join(c.t.TempDir(), "out.json")
	_, stderr, code := c.srv.AWSCLI(c.t, append(append([]string{"iot-data"}, args...), c.raw, out)...)
	if code == 0 || !strings.Contains(stderr, "("+errType+")") {
		c.t.Fatalf("aws iot-data %s: exit %d, %q; want a failure with (%s)", strings.Join(args, " "), code, stderr, errType)
	}
	return stderr
}

func TestShadowCLI_GetUpdateDeleteList(t *testing.T) {
	testutil.RequireTool(t, "aws")
	srv := testutil.StartServer(t)
	_, _, rec := shadowDevice(t, srv, "cli_dev")
	cli := newShadowCLI(t, srv)
	const p = "$aws/things/cli_dev/shadow"

	stderr := cli.fail("ResourceNotFoundException", "get-thing-shadow", "--thing-name", "cli_dev")
	if !strings.Contains(stderr, "No shadow exists with name: 'cli_dev'") {
		t.Errorf("get-thing-shadow before any update: %q, want AWS's message", stderr)
	}

	acc := cli.doc("update-thing-shadow", "--thing-name", "cli_dev",
		"--payload", `{"state":{"desired":{"fan":"on"}},"clientToken":"cli-1"}`)
	if at(acc, "version") != 1.0 || !jsonEq(at(acc, "state"), `{"desired":{"fan":"on"}}`) || at(acc, "clientToken") != "cli-1" {
		t.Fatalf("update-thing-shadow wrote %v", acc)
	}
	// The HTTP update reaches the device over MQTT: accepted and delta.
	if got := rec.await(t, p+"/update/accepted", "cli-1"); at(got, "version") != 1.0 {
		t.Fatalf("update/accepted of the CLI update: %v", got)
	}
	if delta := rec.await(t, p+"/update/delta", "cli-1"); !jsonEq(at(delta, "state"), `{"fan":"on"}`) {
		t.Fatalf("update/delta of the CLI update: %v", delta)
	}

	cli.doc("update-thing-shadow", "--thing-name", "cli_dev", "--payload", `{"state":{"reported":{"fan":"off"}}}`)
	got := cli.doc("get-thing-shadow", "--thing-name", "cli_dev")
	if at(got, "version") != 2.0 || !jsonEq(at(got, "state", "delta"), `{"fan":"on"}`) ||
		at(got, "metadata", "reported", "fan", "timestamp") == nil {
		t.Fatalf("get-thing-shadow wrote %v", got)
	}
	stderr = cli.fail("ConflictException", "update-thing-shadow", "--thing-name", "cli_dev",
		"--payload", `{"state":{"reported":{"fan":"on"}},"version":1}`)
	if !strings.Contains(stderr, "Version conflict") {
		t.Errorf("stale version: %q", stderr)
	}
	cli.fail("InvalidRequestException", "update-thing-shadow", "--thing-name", "cli_dev", "--payload", `{"state":7}`)

	for _, name := range []string{"settings", "firmware"} {
		cli.doc("update-thing-shadow", "--thing-name", "cli_dev", "--shadow-name", name,
			"--payload", `{"state":{"reported":{"name":"`+name+`"}}}`)
	}
	named := cli.doc("get-thing-shadow", "--thing-name", "cli_dev", "--shadow-name", "settings")
	if !jsonEq(at(named, "state"), `{"reported":{"name":"settings"}}`) {
		t.Fatalf("get-thing-shadow --shadow-name settings wrote %v", named)
	}
	out, stderr, code := srv.AWSCLI(t, "iot-data", "list-named-shadows-for-thing", "--thing-name", "cli_dev")
	var list struct {
		Results   []string `json:"results"`
		Timestamp int64    `json:"timestamp"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Results) != 2 || list.Timestamp == 0 {
		t.Fatalf("list-named-shadows-for-thing: exit %d, %s %s; want the two named shadows", code, out, stderr)
	}

	del := cli.doc("delete-thing-shadow", "--thing-name", "cli_dev")
	if at(del, "version") != 2.0 || at(del, "timestamp") == nil {
		t.Fatalf("delete-thing-shadow wrote %v", del)
	}
	cli.fail("ResourceNotFoundException", "get-thing-shadow", "--thing-name", "cli_dev")
	cli.fail("ResourceNotFoundException", "delete-thing-shadow", "--thing-name", "cli_dev")
	// Named shadows live on without the classic one.
	cli.doc("delete-thing-shadow", "--thing-name", "cli_dev", "--shadow-name", "firmware")
	if got := cli.doc("get-thing-shadow", "--thing-name", "cli_dev", "--shadow-name", "settings"); at(got, "version") != 1.0 {
		t.Fatalf("named shadow after deleting the others: %v", got)
	}
}
