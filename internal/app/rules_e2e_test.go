package app_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// TestRulesE2E_RepublishToSubscriber: a rule made with the aws CLI
// filters and reshapes a device's message and republishes it on a topic
// built from a substitution template, where an MQTT client receives it.
func TestRulesE2E_RepublishToSubscriber(t *testing.T) {
	srv := testutil.StartServer(t)
	createRule(t, srv, "alerts", "SELECT temp, topic(2) AS device FROM 'sensors/+/data' WHERE temp > 20",
		[]string{republishTo("alerts/${topic(2)}")}, "")
	c := rulesDevice(t, srv, "sensor1")
	got := subscribe(t, c, "alerts/#")
	publish1(t, c, "sensors/d1/data", `{"temp":10}`)
	publish1(t, c, "sensors/d1/data", `{"temp":25,"hum":40}`)
	if m := next(t, got); m != `{"temp":25,"device":"d1"}` {
		t.Fatalf("republished %s", m)
	}
	nothing(t, got, 300*time.Millisecond)
}

// TestRulesE2E_BasicIngest: a message on $aws/rules/<rule>/... reaches
// that rule only, which sees the topic after the prefix; subscribers to
// the original topic get nothing.
func TestRulesE2E_BasicIngest(t *testing.T) {
	srv := testutil.StartServer(t)
	createRule(t, srv, "ingest", "SELECT topic() AS t, v FROM 'unrelated/filter'", []string{republishTo("ingested")}, "")
	c := rulesDevice(t, srv, "ingester")
	got := subscribe(t, c, "ingested")
	publish1(t, c, "$aws/rules/ingest/building/5", `{"v":1}`)
	if m := next(t, got); m != `{"t":"building/5","v":1}` {
		t.Fatalf("Basic Ingest output %s", m)
	}
	publish1(t, c, "$aws/rules/nosuchrule/x", `{"v":1}`)
	eventually(t, "rule_not_found counted", func() bool {
		return strings.Contains(metrics(t, srv), `hob_rules_dropped_total{reason="rule_not_found"} 1`)
	})
}

// TestRulesE2E_HTTP: the http action posts the output to an HTTPS
// server that hob trusts through --rules-http-ca-file, once its topic rule
// destination is confirmed (rules-engine spec §10).
func TestRulesE2E_HTTP(t *testing.T) {
	hs := newEndpoint(t)
	srv := startTrusting(t, hs)
	enableDestination(t, srv, hs, hs.URL+"/")
	createRule(t, srv, "tohttp", "SELECT * FROM 'http/+'",
		[]string{`{"http":{"url":"` + hs.URL + `/in/${topic(2)}","confirmationUrl":"` + hs.URL + `/","headers":[{"key":"x-device","value":"${topic(2)}"}]}}`}, "")
	c := rulesDevice(t, srv, "poster")
	publish1(t, c, "http/dev7", `{"a":1}`)
	if p := next(t, hs.posts); p != `POST /in/dev7 application/json dev7 {"a":1}` {
		t.Fatalf("the server got %q", p)
	}
}

// TestRulesE2E_Kafka: the kafka action produces the output to an
// in-process Kafka cluster (kfake), read back with a consumer.
func TestRulesE2E_Kafka(t *testing.T) {
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "readings"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	servers := strings.Join(kc.ListenAddrs(), ",")
	srv := testutil.StartServer(t)
	createRule(t, srv, "tokafka", "SELECT temp FROM 'k/+'", []string{`{"kafka":{
		"destinationArn":"arn:aws:iot:us-east-1:123456789012:ruledestination/vpc/x","topic":"readings","key":"${topic(2)}",
		"clientProperties":{"bootstrap.servers":"` + servers + `","security.protocol":"PLAINTEXT"}}}`}, "")
	c := rulesDevice(t, srv, "kdev")
	publish1(t, c, "k/dev9", `{"temp":21,"x":0}`)
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.ListenAddrs()...), kgo.ConsumeTopics("readings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consuming: %v", err)
		}
		if recs := fs.Records(); len(recs) > 0 {
			if string(recs[0].Value) != `{"temp":21}` || string(recs[0].Key) != "dev9" {
				t.Fatalf("record %q key %q", recs[0].Value, recs[0].Key)
			}
			return
		}
	}
}

// TestRulesE2E_SQLTable: the sqlTable action (hob's own), in a rule made
// with the aws CLI, inserts the output and a template column into SQLite
// and PostgreSQL tables.
func TestRulesE2E_SQLTable(t *testing.T) {
	for _, tc := range []struct{ name, driver, dsn string }{
		{"sqlite", "sqlite", filepath.Join(t.TempDir(), "readings.db")},
		{"postgres", "pgx", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn, actionDriver := tc.dsn, tc.name
			if tc.driver == "pgx" {
				dsn = pgtest.Start(t)
			}
			db, err := sql.Open(tc.driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE readings (payload TEXT, device TEXT)`); err != nil {
				t.Fatal(err)
			}
			srv := testutil.StartServer(t)
			// The aws CLI knows AWS's actions only; tools/awsmodel
			// teaches it hob's sqlTable, as docs/rules.md tells users.
			rule := `{"sql":"SELECT temp FROM 'db/+'","actions":[{"sqlTable":{"driver":"` + actionDriver +
				`","dsn":` + jsonString(dsn) + `,"table":"readings","columns":{"device":"${topic(2)}"}}}]}`
			out, errOut, code := srv.AWSCLIWithEnv(t, []string{"AWS_DATA_PATH=" + sqlTableModel(t)},
				"iot", "create-topic-rule", "--rule-name", "tosql", "--topic-rule-payload", rule)
			if code != 0 {
				t.Fatalf("aws iot create-topic-rule: exit %d\n%s\n%s", code, out, errOut)
			}
			c := rulesDevice(t, srv, "dbdev")
			publish1(t, c, "db/dev3", `{"temp":19,"x":1}`)
			var payload, device string
			eventually(t, "the row", func() bool {
				return db.QueryRow(`SELECT payload, device FROM readings`).Scan(&payload, &device) == nil
			})
			if payload != `{"temp":19}` || device != "dev3" {
				t.Fatalf("row payload %q device %q", payload, device)
			}
		})
	}
}

// sqlTableModel writes, once per test, the aws CLI model extension that
// declares hob's sqlTable action (tools/awsmodel/sqltable.py), and returns
// the folder to give as AWS_DATA_PATH.
func sqlTableModel(t *testing.T) string {
	t.Helper()
	py := testutil.RequireTool(t, "python3")
	dir := t.TempDir()
	out, err := exec.Command(py, "../../tools/awsmodel/sqltable.py", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("tools/awsmodel/sqltable.py: %v\n%s", err, out)
	}
	return dir
}

// TestRulesE2E_ErrorAction: an action that fails (an HTTP server that is
// gone) makes the rule's error action republish AWS's error message, to
// a topic the device subscribes to.
func TestRulesE2E_ErrorAction(t *testing.T) {
	gone := newEndpoint(t)
	url := gone.URL
	srv := startTrusting(t, gone, func(c *config.Config) { c.RulesActionTimeout = 3 * time.Second })
	enableDestination(t, srv, gone, url+"/")
	gone.Close() // the destination is ENABLED; its server is down
	createRule(t, srv, "failing", "SELECT * FROM 'fail/+'",
		[]string{`{"http":{"url":"` + url + `/x"}}`, republishTo("fine")}, republishTo("errors/${topic(2)}"))
	c := rulesDevice(t, srv, "failer")
	errs := subscribe(t, c, "errors/#")
	fine := subscribe(t, c, "fine")
	publish1(t, c, "fail/dev1", `{"v":1}`)
	if m := next(t, fine); m != `{"v":1}` {
		t.Fatalf("the action that works got %s", m)
	}
	assertErrorMessage(t, next(t, errs), "failing", "fail/dev1", "failer", `{"v":1}`, "HttpAction", url+"/x")
}

// assertErrorMessage checks an error action message (rules-engine spec §11).
func assertErrorMessage(t *testing.T, m, rule, topic, clientID, payload, failedAction, failedResource string) {
	t.Helper()
	var doc struct {
		RuleName              string `json:"ruleName"`
		Topic                 string `json:"topic"`
		CloudwatchTraceID     string `json:"cloudwatchTraceId"`
		ClientID              string `json:"clientId"`
		Base64OriginalPayload []byte `json:"base64OriginalPayload"`
		Failures              []struct {
			FailedAction, FailedResource, ErrorMessage string
		} `json:"failures"`
	}
	if err := json.Unmarshal([]byte(m), &doc); err != nil {
		t.Fatalf("error message %s: %v", m, err)
	}
	if doc.RuleName != rule || doc.Topic != topic || doc.ClientID != clientID || string(doc.Base64OriginalPayload) != payload ||
		!regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(doc.CloudwatchTraceID) || len(doc.Failures) != 1 {
		t.Fatalf("error message %s", m)
	}
	f := doc.Failures[0]
	if f.FailedAction != failedAction || f.FailedResource != failedResource || f.ErrorMessage == "" {
		t.Fatalf("failure %+v in %s", f, m)
	}
}

// TestRulesE2E_HopLimit: a rule that republishes onto its own FROM topic
// stops after --rules-max-hops republishes, and the refusal is counted.
func TestRulesE2E_HopLimit(t *testing.T) {
	srv := testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.RulesMaxHops = 5 }))
	createRule(t, srv, "loop", "SELECT n FROM 'loop/t'", []string{republishTo("loop/t")}, "")
	c := rulesDevice(t, srv, "looper")
	got := subscribe(t, c, "loop/t")
	publish1(t, c, "loop/t", `{"n":1}`)
	for i := range 1 + 5 { // the device's message, then one republish per hop
		if m := next(t, got); m != `{"n":1}` {
			t.Fatalf("message %d: %s", i, m)
		}
	}
	nothing(t, got, 500*time.Millisecond)
	eventually(t, "hop_limit counted", func() bool {
		return strings.Contains(metrics(t, srv), `hob_rules_dropped_total{reason="hop_limit"} 1`)
	})
}

// TestRulesE2E_DryRun: POST /hob/rules/dry-run, signed like the control
// plane, evaluates without running the actions.
func TestRulesE2E_DryRun(t *testing.T) {
	srv := testutil.StartServer(t)
	c := rulesDevice(t, srv, "dry")
	got := subscribe(t, c, "out")
	hc := srv.HTTPClient(t)
	body := `{"sql":"SELECT a, a*2 AS b FROM 'in/+' WHERE a > 1","awsIotSqlVersion":"2016-03-23","topic":"in/x",
		"payload":{"a":2},"actions":[` + republishTo("out") + `]}`
	status, out := signedRequest(t, srv, hc, "POST", "/hob/rules/dry-run", body, "iot")
	if status != 200 {
		t.Fatalf("status %d: %s", status, out)
	}
	var res struct {
		Matched, Fired bool
		Output         json.RawMessage
		OutputBase64   string
		Actions        []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Matched || !res.Fired || string(res.Output) != `{"a":2,"b":4}` || len(res.Actions) != 1 || res.Actions[0] != "republish" {
		t.Fatalf("dry run answered %s", out)
	}
	nothing(t, got, 300*time.Millisecond)
	status, out = signedRequest(t, srv, hc, "POST", "/hob/rules/dry-run", `{"sql":"SELEKT * FROM 'a'","topic":"a"}`, "iot")
	if status != 400 || !strings.HasPrefix(out, "SqlParseException") {
		t.Fatalf("bad SQL: status %d: %s", status, out)
	}
	status, _ = signedRequest(t, srv, hc, "POST", "/hob/rules/dry-run", `{"sql":"SELECT * FROM 'a'"}`, "nosuchservice")
	if status != 403 {
		t.Fatalf("a request signed for another service: status %d, want 403", status)
	}
}

// signedRequest sends body to path signed with the admin key for service
// and returns the status and the answer: its x-amzn-ErrorType header, if
// any, then its body.
func signedRequest(t *testing.T, srv *testutil.Server, hc *http.Client, method, path, body, service string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, srv.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType") + " " + string(out)
}

// CreateTopicRule refuses SQL the engine could not run (an unknown
// function), not only SQL that does not parse, and stores nothing.
func TestRulesE2E_CreateRefusesUncompilableSQL(t *testing.T) {
	srv := testutil.StartServer(t)
	payload := `{"sql":"SELECT nofunc(a) FROM 't'","actions":[]}`
	_, stderr, code := srv.AWSCLI(t, "iot", "create-topic-rule", "--rule-name", "uncompilable", "--topic-rule-payload", payload)
	if code == 0 || !strings.Contains(stderr, "SqlParseException") || !strings.Contains(stderr, "nofunc") {
		t.Fatalf("create-topic-rule with an unknown function: exit %d: %s", code, stderr)
	}
	if _, stderr, code := srv.AWSCLI(t, "iot", "get-topic-rule", "--rule-name", "uncompilable"); code == 0 || !strings.Contains(stderr, "UnauthorizedException") && !strings.Contains(stderr, "NotFound") {
		t.Fatalf("the refused rule was stored: exit %d: %s", code, stderr)
	}
}
