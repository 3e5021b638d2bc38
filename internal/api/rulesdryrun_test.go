package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

// anyCaller authenticates every request, for the dry-run route's tests;
// the signature checks are the Authenticator's, tested elsewhere.
type anyCaller struct{ services *[]string }

func (a anyCaller) Authenticate(_ *http.Request, _ []byte, services ...string) (Caller, error) {
	*a.services = services
	return Caller{AccessKeyID: "AKIA"}, nil
}

// fakeDryRunner records the request and answers res or err.
type fakeDryRunner struct {
	got RulesDryRunRequest
	res RulesDryRunResult
	err error
}

func (f *fakeDryRunner) DryRun(_ context.Context, req RulesDryRunRequest) (RulesDryRunResult, error) {
	f.got = req
	return f.res, f.err
}

func dryRunServer(t *testing.T, d RulesDryRunner) (*Server, *[]string) {
	t.Helper()
	var services []string
	s := New(Config{Account: iot.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}, MaxBodyBytes: 1 << 20},
		anyCaller{&services}, Services{}, slog.New(slog.DiscardHandler))
	s.EnableRulesDryRun(d)
	return s, &services
}

func postDryRun(s *Server, body string) (int, string, string) {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("POST", RulesDryRunPath, strings.NewReader(body)))
	out, _ := io.ReadAll(w.Result().Body)
	return w.Code, w.Header().Get("x-amzn-ErrorType"), string(out)
}

func TestRulesDryRun_Payloads(t *testing.T) {
	for _, tc := range []struct{ name, field, want string }{
		{"JSON value", `"payload":{"a":1}`, `{"a":1}`},
		{"text", `"payload":"80"`, `80`},
		{"base64", `"payloadBase64":"AAEC"`, "\x00\x01\x02"},
		{"none", `"topic":"t"`, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeDryRunner{}
			s, services := dryRunServer(t, f)
			status, _, out := postDryRun(s, `{"sql":"SELECT * FROM 't'",`+tc.field+`}`)
			if status != 200 || string(f.got.Payload) != tc.want {
				t.Fatalf("status %d %s; payload %q, want %q", status, out, f.got.Payload, tc.want)
			}
			if len(*services) != 1 || (*services)[0] != "iot" {
				t.Fatalf("signed for %v, want the control plane's iot", *services)
			}
		})
	}
}

func TestRulesDryRun_Answer(t *testing.T) {
	f := &fakeDryRunner{res: RulesDryRunResult{Matched: true, Fired: true, Output: []byte(`{"a":1}`), Actions: []string{"republish"}}}
	s, _ := dryRunServer(t, f)
	status, _, out := postDryRun(s, `{"sql":"SELECT a FROM 't'","awsIotSqlVersion":"2016-03-23","topic":"t",
		"payload":{"a":1},"actions":[{"republish":{"topic":"x"}}]}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, out)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if string(got["output"]) != `{"a":1}` || string(got["outputBase64"]) != `"eyJhIjoxfQ=="` || string(got["actions"]) != `["republish"]` ||
		string(got["matched"]) != "true" || string(got["fired"]) != "true" {
		t.Fatalf("answer %s", out)
	}
	if f.got.SQLVersion != "2016-03-23" || f.got.Topic != "t" || len(f.got.Actions) != 1 {
		t.Fatalf("request %+v", f.got)
	}
	f.res = RulesDryRunResult{Matched: true, Fired: true, Output: []byte{0xff}}
	_, _, out = postDryRun(s, `{"sql":"SELECT * FROM 't'"}`)
	if strings.Contains(out, `"output":`) || !strings.Contains(out, `"outputBase64":"/w=="`) || !strings.Contains(out, `"actions":[]`) {
		t.Fatalf("binary output: %s", out)
	}
}

func TestRulesDryRun_Errors(t *testing.T) {
	f := &fakeDryRunner{err: iot.Errorf(iot.SqlParseException, "line 1:1: bad")}
	s, _ := dryRunServer(t, f)
	for _, tc := range []struct{ name, body, code string }{
		{"parse error passes through", `{"sql":"SELEKT"}`, "SqlParseException"},
		{"no sql", `{"topic":"t"}`, "InvalidRequestException"},
		{"unknown field", `{"sql":"SELECT * FROM 't'","nosuch":1}`, "InvalidRequestException"},
		{"both payloads", `{"sql":"SELECT * FROM 't'","payload":"a","payloadBase64":"YQ=="}`, "InvalidRequestException"},
		{"bad base64", `{"sql":"SELECT * FROM 't'","payloadBase64":"%%"}`, "InvalidRequestException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, out := postDryRun(s, tc.body)
			if status != 400 || code != tc.code {
				t.Fatalf("status %d %s %s, want 400 %s", status, code, out, tc.code)
			}
		})
	}
}
