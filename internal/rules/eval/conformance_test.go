package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/rules/sql"
	"github.com/hob-iot/hob/internal/topic"
)

// conformanceFiles are where the shared conformance cases (spec §14) are
// found: the workspace's shared copy first, then the parser's verbatim
// copy in the repository. The test fails, never skips, when neither exists.
var conformanceFiles = []string{
	"../../../../shared/conformance/rules-cases.jsonl",
	"../sql/testdata/rules-cases.jsonl",
}

// conformanceCase is one line of rules-cases.jsonl (spec §14).
type conformanceCase struct {
	ID          string          `json:"id"`
	SQL         string          `json:"sql"`
	SQLVersion  sql.Version     `json:"sql_version"`
	Topic       string          `json:"topic"`
	Payload     string          `json:"payload"`
	Fires       bool            `json:"fires"`
	Expected    json.RawMessage `json:"expected"`
	ExpectedRaw *string         `json:"expected_raw"`
	IgnoreKeys  []string        `json:"ignore_keys"`
	RuleName    string          `json:"rule_name"`
	Confidence  string          `json:"confidence"`
	Templates   map[string]struct {
		Template string `json:"template"`
		Expected string `json:"expected"`
	} `json:"templates"`
}

func readConformance(t *testing.T) []conformanceCase {
	t.Helper()
	var f *os.File
	var err error
	for _, name := range conformanceFiles {
		if f, err = os.Open(name); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("no conformance file (tried %v): %v", conformanceFiles, err)
	}
	defer f.Close()
	var cases []conformanceCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c conformanceCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestConformance runs every shared case: parse with its version, match
// the topic against FROM (a Basic Ingest topic addresses the rule by name,
// spec §12), run, and compare fires, output and templates.
func TestConformance(t *testing.T) {
	cases := readConformance(t)
	if len(cases) < 100 {
		t.Fatalf("only %d conformance cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.ID, func(t *testing.T) { runConformance(t, tc) })
	}
}

func runConformance(t *testing.T, tc conformanceCase) {
	st, err := sql.Parse(tc.SQL, tc.SQLVersion)
	if err != nil {
		t.Fatalf("parse %q: %v", tc.SQL, err)
	}
	prog, err := Compile(st)
	if err != nil {
		t.Fatalf("compile %q: %v", tc.SQL, err)
	}
	env := &Env{Topic: tc.Topic, Payload: []byte(tc.Payload), ClientID: "client-1", Received: time.UnixMilli(1579637878451)}
	matched := topic.Match(prog.From(), tc.Topic)
	if prefix := "$aws/rules/" + tc.RuleName + "/"; tc.RuleName != "" && strings.HasPrefix(tc.Topic, prefix) {
		env.Topic, matched = strings.TrimPrefix(tc.Topic, prefix), true
	}
	var res *Result
	if matched {
		if res, err = prog.Run(context.Background(), env); err != nil {
			t.Fatalf("run: %v", err)
		}
	}
	fired := res != nil && res.Fired
	if fired != tc.Fires {
		t.Fatalf("fired = %v, want %v (output %s)", fired, tc.Fires, outputOf(res))
	}
	if fired {
		checkOutput(t, tc, res.Output)
	}
	for field, tpl := range tc.Templates {
		tmpl, err := CompileTemplate(tpl.Template, tc.SQLVersion)
		if err != nil {
			t.Fatalf("template %s: %v", field, err)
		}
		got, err := tmpl.Render(context.Background(), env, res)
		if err != nil || got != tpl.Expected {
			t.Errorf("template %s %q = %q, %v; want %q", field, tpl.Template, got, err, tpl.Expected)
		}
	}
}

func outputOf(res *Result) string {
	if res == nil {
		return "(not run)"
	}
	return string(res.Output)
}

func checkOutput(t *testing.T, tc conformanceCase, out []byte) {
	t.Helper()
	if tc.ExpectedRaw != nil {
		if string(out) != *tc.ExpectedRaw {
			t.Fatalf("output %s, want exactly %s", out, *tc.ExpectedRaw)
		}
		return
	}
	got, err := decodeOrdered(out)
	if err != nil {
		t.Fatalf("output %s is not JSON: %v", out, err)
	}
	want, err := decodeOrdered(tc.Expected)
	if err != nil {
		t.Fatalf("expected %s: %v", tc.Expected, err)
	}
	cmp := jsonComparer{ignore: tc.IgnoreKeys, printedPrecision: tc.Confidence == "aws-doc-doubtful"}
	if msg := cmp.diff("$", got, want); msg != "" {
		t.Fatalf("output %s, want %s: %s", out, tc.Expected, msg)
	}
}

var errTrailing = errors.New("trailing data")
