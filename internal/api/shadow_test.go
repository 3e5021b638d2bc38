package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// shadowCall is one signed iot-data request and its answer.
type shadowCall struct {
	status  int
	errType string
	body    string
}

// shadowReq sends a request signed with the admin key for "iotdata".
func shadowReq(t *testing.T, srv *testutil.Server, method, path, body string) shadowCall {
	t.Helper()
	status, typ, b := signedRequest(t, srv, method, path, body, "iotdata", srv.AccessKeyID, srv.SecretAccessKey)
	return shadowCall{status, typ, b}
}

// ok fails the test unless the call answered 200 with a JSON object, and
// returns that object.
func (c shadowCall) ok(t *testing.T) map[string]any {
	t.Helper()
	var out map[string]any
	if c.status != 200 || json.Unmarshal([]byte(c.body), &out) != nil {
		t.Fatalf("got %d %s %s, want 200 with a JSON object", c.status, c.errType, c.body)
	}
	return out
}

// fails checks that the call failed with status and AWS error type, and
// a body in iot-data's shape: a message and no numeric code (spec §1.9,
// §6.3). It returns the message.
func (c shadowCall) fails(t *testing.T, status int, errType string) string {
	t.Helper()
	var out map[string]any
	if c.status != status || c.errType != errType || json.Unmarshal([]byte(c.body), &out) != nil {
		t.Fatalf("got %d %q %s, want %d %s with a JSON body", c.status, c.errType, c.body, status, errType)
	}
	msg, _ := out["message"].(string)
	if msg == "" {
		t.Fatalf("error body %s has no message", c.body)
	}
	if _, ok := out["code"]; ok {
		t.Fatalf("error body %s carries a code member (spec §6.3)", c.body)
	}
	return msg
}

// num is the JSON number at path in v, or -1.
func num(v any, path ...any) float64 {
	n, ok := jsonAt(v, path...).(float64)
	if !ok {
		return -1
	}
	return n
}

func TestShadowAPI_Lifecycle(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, _ *iot.Client) {
		const path = "/things/lamp-1/shadow"
		msg := shadowReq(t, srv, "GET", path, "").fails(t, 404, "ResourceNotFoundException")
		if msg != "No shadow exists with name: 'lamp-1'" {
			t.Errorf("missing classic shadow: message %q, want AWS's", msg)
		}
		before := time.Now().Unix()
		up := shadowReq(t, srv, "POST", path, `{"state":{"desired":{"on":true,"level":3}},"clientToken":"c-1"}`).ok(t)
		if num(up, "version") != 1 || jsonAt(up, "state", "desired", "on") != true || jsonString(up, "clientToken") != "c-1" {
			t.Fatalf("first update answered %v", up)
		}
		if ts := num(up, "metadata", "desired", "level", "timestamp"); ts < float64(before) || ts > float64(time.Now().Unix()) {
			t.Fatalf("metadata timestamp %v is not now in epoch seconds", ts)
		}
		shadowReq(t, srv, "POST", path, `{"state":{"reported":{"on":true}}}`).ok(t)
		got := shadowReq(t, srv, "GET", path, "").ok(t)
		if num(got, "version") != 2 || num(got, "state", "delta", "level") != 3 || jsonAt(got, "state", "delta", "on") != nil {
			t.Fatalf("get after two updates = %v, want version 2 and delta {level:3}", got)
		}
		msg = shadowReq(t, srv, "POST", path, `{"state":{"reported":{"level":3}},"version":1}`).fails(t, 409, "ConflictException")
		if msg != "Version conflict" {
			t.Errorf("stale version: message %q", msg)
		}
		shadowReq(t, srv, "POST", path, `{"state":`).fails(t, 400, "InvalidRequestException")
		shadowReq(t, srv, "POST", path, `{"state":{"delta":{}}}`).fails(t, 400, "InvalidRequestException")
		if v := num(shadowReq(t, srv, "GET", path, "").ok(t), "version"); v != 2 {
			t.Fatalf("rejected updates changed the shadow: version %v", v)
		}
		del := shadowReq(t, srv, "DELETE", path, "").ok(t)
		if num(del, "version") != 2 || num(del, "timestamp") < float64(before) {
			t.Fatalf("delete answered %v, want the deleted version 2 and a timestamp", del)
		}
		shadowReq(t, srv, "GET", path, "").fails(t, 404, "ResourceNotFoundException")
		shadowReq(t, srv, "DELETE", path, "").fails(t, 404, "ResourceNotFoundException")
		// AWS keeps the version of a deleted shadow (spec §1.6).
		if v := num(shadowReq(t, srv, "POST", path, `{"state":{"reported":{"on":false}}}`).ok(t), "version"); v != 3 {
			t.Fatalf("re-created shadow has version %v, want 3", v)
		}
	})
}

func TestShadowAPI_NamedShadowsAndList(t *testing.T) {
	srv := testutil.StartServer(t)
	names := []string{"cfg", "fw", "net", "power", "net:eth0_a-b"}
	for _, n := range names {
		shadowReq(t, srv, "POST", "/things/gw/shadow?name="+url.QueryEscape(n), `{"state":{"reported":{"n":"`+n+`"}}}`).ok(t)
	}
	shadowReq(t, srv, "POST", "/things/gw/shadow", `{"state":{"reported":{"classic":1}}}`).ok(t)
	got := shadowReq(t, srv, "GET", "/things/gw/shadow?name=fw", "").ok(t)
	if jsonString(got, "state", "reported", "n") != "fw" || num(got, "version") != 1 {
		t.Fatalf("named shadow fw = %v", got)
	}
	msg := shadowReq(t, srv, "GET", "/things/gw/shadow?name=nope", "").fails(t, 404, "ResourceNotFoundException")
	if !strings.Contains(msg, "No shadow exists with name") || !strings.Contains(msg, "nope") {
		t.Errorf("missing named shadow: message %q", msg)
	}

	var listed []string
	next, pages := "", 0
	for {
		q := "?pageSize=2"
		if next != "" {
			q += "&nextToken=" + url.QueryEscape(next)
		}
		page := shadowReq(t, srv, "GET", "/api/things/shadow/ListNamedShadowsForThing/gw"+q, "").ok(t)
		listed = append(listed, jsonStrings(page, "results", "")...)
		if pages++; pages > len(names) || num(page, "timestamp") < 1e9 || num(page, "timestamp") > 1e11 {
			t.Fatalf("page %d = %v: too many pages, or no timestamp in epoch seconds", pages, page)
		}
		if next = jsonString(page, "nextToken"); next == "" {
			break
		}
	}
	slices.Sort(listed)
	want := slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(listed, want) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want %v (no classic shadow) in 3", listed, pages, want)
	}
	// An unknown thing has no shadows: an empty list, not 404 (spec §1.4).
	empty := shadowReq(t, srv, "GET", "/api/things/shadow/ListNamedShadowsForThing/nobody", "").ok(t)
	if r, ok := jsonAt(empty, "results").([]any); !ok || len(r) != 0 {
		t.Fatalf("unknown thing: %v, want results []", empty)
	}
}

func TestShadowAPI_BadInput(t *testing.T) {
	srv := testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.ShadowMaxStateBytes = 1024 }))
	big := fmt.Sprintf(`{"state":{"reported":{"blob":"%s"}}}`, strings.Repeat("x", 1100))
	cases := []struct {
		name, method, path, body string
		status                   int
		errType                  string
	}{
		{"thing name with a slash", "GET", "/things/a%2Fb/shadow", "", 400, "InvalidRequestException"},
		{"thing name too long", "GET", "/things/" + strings.Repeat("t", 129) + "/shadow", "", 400, "InvalidRequestException"},
		{"shadow name with a slash", "GET", "/things/t/shadow?name=a%2Fb", "", 400, "InvalidRequestException"},
		{"empty shadow name", "POST", "/things/t/shadow?name=", `{"state":{}}`, 400, "InvalidRequestException"},
		{"shadow name too long", "DELETE", "/things/t/shadow?name=" + strings.Repeat("s", 65), "", 400, "InvalidRequestException"},
		{"unknown query parameter", "GET", "/things/t/shadow?shadowName=x", "", 400, "InvalidRequestException"},
		{"pageSize 0", "GET", "/api/things/shadow/ListNamedShadowsForThing/t?pageSize=0", "", 400, "InvalidRequestException"},
		{"pageSize 101", "GET", "/api/things/shadow/ListNamedShadowsForThing/t?pageSize=101", "", 400, "InvalidRequestException"},
		{"not JSON", "POST", "/things/t/shadow", "hello", 400, "InvalidRequestException"},
		{"empty body", "POST", "/things/t/shadow", "", 400, "InvalidRequestException"},
		{"no state", "POST", "/things/t/shadow", `{"clientToken":"x"}`, 400, "InvalidRequestException"},
		{"version not a number", "POST", "/things/t/shadow", `{"state":{},"version":"1"}`, 400, "InvalidRequestException"},
		{"state over the limit", "POST", "/things/t/shadow", big, 413, "RequestEntityTooLargeException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shadowReq(t, srv, c.method, c.path, c.body).fails(t, c.status, c.errType)
		})
	}
	shadowReq(t, srv, "GET", "/things/t/shadow", "").fails(t, 404, "ResourceNotFoundException")
}

func TestShadowAPI_SigningNames(t *testing.T) {
	srv := testutil.StartServer(t)
	for i, svc := range []string{"iotdata", "iotdevicegateway"} {
		body := fmt.Sprintf(`{"state":{"reported":{"n":%d}}}`, i)
		status, typ, out := signedRequest(t, srv, "POST", "/things/signed/shadow", body, svc, srv.AccessKeyID, srv.SecretAccessKey)
		if status != 200 || !strings.Contains(out, `"version":`+fmt.Sprint(i+1)) {
			t.Fatalf("signed for %s: %d %q %s", svc, status, typ, out)
		}
	}
	// The control plane's signing name does not reach the data plane.
	status, typ, _ := signedRequest(t, srv, "GET", "/things/signed/shadow", "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
	if status != 403 {
		t.Fatalf("signed for iot: %d %q, want 403", status, typ)
	}
	if status, typ, _ := signedRequest(t, srv, "GET", "/things/signed/shadow", "", "", "", ""); status != 403 {
		t.Fatalf("unsigned, without a certificate: %d %q, want 403", status, typ)
	}
}
