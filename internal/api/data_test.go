package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
)

// cliJSON runs the aws CLI against srv, fails the test unless it succeeds,
// and decodes its JSON output into v.
func cliJSON(t *testing.T, srv *testutil.Server, v any, args ...string) {
	t.Helper()
	out, stderr, code := srv.AWSCLI(t, args...)
	if code != 0 {
		t.Fatalf("aws %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// rawBlobs returns the aws CLI option that makes --payload raw text: on
// CLI v2 --cli-binary-format raw-in-base64-out, on v1 (raw already) the
// harmless --no-paginate.
func rawBlobs(t *testing.T, srv *testutil.Server) string {
	t.Helper()
	out, stderr, _ := srv.AWSCLI(t, "--version")
	if strings.HasPrefix(out+stderr, "aws-cli/1.") {
		return "--no-paginate"
	}
	return "--cli-binary-format=raw-in-base64-out"
}

type retainedOut struct {
	Topic            string  `json:"topic"`
	Payload          string  `json:"payload"`
	QoS              int     `json:"qos"`
	LastModifiedTime float64 `json:"lastModifiedTime"`
	UserProperties   string  `json:"userProperties"`
}

func TestDataPlane_CLI_RetainedMessages(t *testing.T) {
	srv := testutil.StartServer(t)
	raw := rawBlobs(t, srv)
	for _, tp := range []string{"elf/b", "elf/a", "elf/c d"} {
		cliJSON(t, srv, nil, "iot-data", "publish", "--topic", tp, "--qos", "1", "--retain",
			"--payload", "kept "+tp, raw)
	}
	var got retainedOut
	cliJSON(t, srv, &got, "iot-data", "get-retained-message", "--topic", "elf/c d")
	// The CLI prints a blob member as base64.
	payload, err := base64.StdEncoding.DecodeString(got.Payload)
	if err != nil || string(payload) != "kept elf/c d" || got.Topic != "elf/c d" || got.QoS != 1 {
		t.Fatalf("get-retained-message = %+v (payload %q, %v)", got, payload, err)
	}
	if got.LastModifiedTime < 1e12 { // epoch ms, not seconds (spec §6.1)
		t.Fatalf("lastModifiedTime %v is not in epoch milliseconds", got.LastModifiedTime)
	}

	// Paged two at a time, the CLI follows nextToken by itself; with
	// --max-items it shows one page and a token.
	var list struct {
		RetainedTopics []struct {
			Topic       string `json:"topic"`
			PayloadSize int    `json:"payloadSize"`
			QoS         int    `json:"qos"`
		} `json:"retainedTopics"`
		NextToken string `json:"NextToken"`
	}
	cliJSON(t, srv, &list, "iot-data", "list-retained-messages", "--page-size", "2")
	var topics []string
	for _, rt := range list.RetainedTopics {
		topics = append(topics, rt.Topic)
		if rt.PayloadSize != len("kept "+rt.Topic) || rt.QoS != 1 {
			t.Errorf("topic %s: payloadSize %d qos %d", rt.Topic, rt.PayloadSize, rt.QoS)
		}
	}
	if strings.Join(topics, ",") != "elf/a,elf/b,elf/c d" {
		t.Fatalf("list-retained-messages topics = %v", topics)
	}
	cliJSON(t, srv, &list, "iot-data", "list-retained-messages", "--max-items", "1")
	if len(list.RetainedTopics) != 1 || list.NextToken == "" {
		t.Fatalf("one item: %+v, want one topic and a NextToken", list)
	}

	// Retain with an empty payload deletes the retained message.
	cliJSON(t, srv, nil, "iot-data", "publish", "--topic", "elf/a", "--retain")
	_, stderr, code := srv.AWSCLI(t, "iot-data", "get-retained-message", "--topic", "elf/a")
	if code == 0 || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Fatalf("after deleting: exit %d, %s; want ResourceNotFoundException", code, stderr)
	}
}

func TestDataPlane_Publish_BadInput(t *testing.T) {
	srv := testutil.StartServer(t)
	big := strings.Repeat("x", 128<<10+1)
	cases := []struct {
		name, path, body string
		status           int
		errType          string
	}{
		{"wildcard +", "/topics/elf%2F%2B", "x", 400, "InvalidRequestException"},
		{"wildcard #", "/topics/elf%2F%23", "x", 400, "InvalidRequestException"},
		{"qos 2", "/topics/elf%2Ft?qos=2", "x", 400, "InvalidRequestException"},
		{"retain not a boolean", "/topics/elf%2Ft?retain=yes", "x", 400, "InvalidRequestException"},
		{"too many slashes", "/topics/a%2Fb%2Fc%2Fd%2Fe%2Ff%2Fg%2Fh%2Fi", "x", 400, "InvalidRequestException"},
		{"topic over 256 bytes", "/topics/" + strings.Repeat("t", 257), "x", 400, "InvalidRequestException"},
		{"retain on a $ topic", "/topics/%24aws%2Fthings%2Fx%2Fshadow%2Fupdate?retain=true", "x", 400, "InvalidRequestException"},
		{"payload over 128 KiB", "/topics/elf%2Ft", big, 413, "RequestEntityTooLargeException"},
		{"payload of 128 KiB", "/topics/elf%2Ft", big[1:], 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, typ, body := signedRequest(t, srv, "POST", c.path, c.body, "iotdata", srv.AccessKeyID, srv.SecretAccessKey)
			if status != c.status || typ != c.errType {
				t.Fatalf("got %d %q %s, want %d %q", status, typ, body, c.status, c.errType)
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(body), &out); err != nil || out["message"] == "" {
				t.Fatalf("body %s: want a JSON message", body)
			}
			if _, ok := out["code"]; ok {
				t.Fatalf("error body %s carries a code member (spec §6.3)", body)
			}
		})
	}
}

func TestDataPlane_SigningNamesAndOK(t *testing.T) {
	srv := testutil.StartServer(t)
	for _, svc := range []string{"iotdata", "iotdevicegateway"} {
		status, typ, body := signedRequest(t, srv, "POST", "/topics/elf%2Fsigned?qos=1", "hi", svc, srv.AccessKeyID, srv.SecretAccessKey)
		var out struct{ Message, TraceID string }
		if status != 200 || json.Unmarshal([]byte(body), &out) != nil || out.Message != "OK" || len(out.TraceID) != 36 {
			t.Fatalf("signing name %s: %d %q %s", svc, status, typ, body)
		}
	}
	// The control plane's signing name does not reach the data plane.
	if status, typ, _ := signedRequest(t, srv, "POST", "/topics/elf%2Fsigned", "hi", "iot", srv.AccessKeyID, srv.SecretAccessKey); status != 403 {
		t.Fatalf("signed for iot: %d %q, want 403", status, typ)
	}
	status, typ, _ := signedRequest(t, srv, "GET", "/retainedMessage/elf%2Fnone", "", "iotdata", srv.AccessKeyID, srv.SecretAccessKey)
	if status != 404 || typ != "ResourceNotFoundException" {
		t.Fatalf("missing retained message: %d %q", status, typ)
	}
	status, typ, _ = signedRequest(t, srv, "GET", "/retainedMessage?maxResults=201", "", "iotdata", srv.AccessKeyID, srv.SecretAccessKey)
	if status != 400 || typ != "InvalidRequestException" {
		t.Fatalf("maxResults=201: %d %q", status, typ)
	}
}

// boto3UserProperties publishes with boto3, whose userProperties member
// is encoded twice (spec §6 gotcha 10), then reads the retained message
// back with boto3.
const boto3UserProperties = `
import base64, json, os, boto3
c = boto3.client('iot-data', endpoint_url=os.environ['HOB_URL'])
r = c.publish(topic='elf/props', qos=1, retain=True, payload=b'with props',
              userProperties=json.dumps([{"deviceName": "alpha"}, {"deviceCnt": "45"}]),
              payloadFormatIndicator='UTF8_DATA', contentType='text/plain',
              correlationData=base64.b64encode(b'corr').decode())
got = c.get_retained_message(topic='elf/props')
print(json.dumps({"payload": got['payload'].decode(), "qos": got['qos'],
                  "userProperties": got['userProperties'].decode(),
                  "ms": got['lastModifiedTime']}))
`

func TestDataPlane_Boto3_UserProperties(t *testing.T) {
	py := requireBoto3(t)
	srv := testutil.StartServer(t)
	script := filepath.Join(t.TempDir(), "props.py")
	if err := os.WriteFile(script, []byte(boto3UserProperties), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runPython(t, srv, py, script)
	var got struct {
		Payload        string `json:"payload"`
		QoS            int    `json:"qos"`
		UserProperties string `json:"userProperties"`
		MS             int64  `json:"ms"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	if got.Payload != "with props" || got.QoS != 1 || got.MS < 1e12 {
		t.Fatalf("retained message = %+v", got)
	}
	if got.UserProperties != `[{"deviceName":"alpha"},{"deviceCnt":"45"}]` {
		t.Fatalf("userProperties = %s, want the two pairs in order, decoded once", got.UserProperties)
	}
}

// runPython runs a Python script against srv with the admin key, HOB_URL
// set to srv's endpoint, and returns its standard output.
func runPython(t *testing.T, srv *testutil.Server, py, script string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Env = append(srv.Env(t), "HOB_URL="+srv.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	return out
}
