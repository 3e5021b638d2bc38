package eval

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// TestCases runs the scripts in testdata/cases/*.txt. Each case is a block
// of "key: value" lines, blocks separated by a line "---"; lines starting
// with # are comments:
//
//	name:     a short name (required)
//	version:  2015-10-08 or 2016-03-23 (default 2016-03-23)
//	sql:      the rule query (required)
//	topic:    the message topic (default "t/1")
//	payload:  the payload bytes (default {})
//	output:   the exact output bytes (the rule must fire)
//	fires:    false when WHERE must not pass
//	error:    a substring of Run's error
//	template: TEXT => RENDERED, rendered against the message and SET variables
//
// Adding a case is adding a block.
func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	for _, file := range files {
		for _, tc := range readCases(t, file) {
			t.Run(filepath.Base(file)+"/"+tc["name"], func(t *testing.T) { runCase(t, tc) })
		}
	}
}

func readCases(t *testing.T, file string) []map[string]string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []map[string]string
	cur := map[string]string{}
	flush := func() {
		if len(cur) > 0 {
			if cur["name"] == "" || cur["sql"] == "" {
				t.Fatalf("%s: case without name or sql: %v", file, cur)
			}
			cases = append(cases, cur)
		}
		cur = map[string]string{}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "---":
			flush()
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Fatalf("%s: bad line %q", file, line)
			}
			k = strings.TrimSpace(k)
			if k == "template" && cur[k] != "" {
				cur[k] += "\n"
			}
			cur[k] += strings.TrimSpace(v)
		}
	}
	flush()
	return cases
}

func runCase(t *testing.T, tc map[string]string) {
	version := sql.Version(tc["version"])
	if version == "" {
		version = sql.V20160323
	}
	prog := mustCompile(t, tc["sql"], version)
	env := &Env{Topic: "t/1", Payload: []byte("{}"), ClientID: "dev-1", Principal: "abc123",
		AccountID: "123456789012", TraceID: "trace-1", SourceIP: "10.0.0.1",
		Received: time.UnixMilli(1700000000123), ContentType: "application/json",
		UserProperties: [][2]string{{"k", "v1"}, {"k", "v2"}, {"x", "y"}}}
	if v, ok := tc["topic"]; ok {
		env.Topic = v
	}
	if v, ok := tc["payload"]; ok {
		env.Payload = []byte(v)
	}
	res, err := prog.Run(context.Background(), env)
	if want, ok := tc["error"]; ok {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want one containing %q", err, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if wantFired := tc["fires"] != "false"; res.Fired != wantFired {
		t.Fatalf("fired = %v, want %v (output %s)", res.Fired, wantFired, res.Output)
	}
	if want, ok := tc["output"]; ok && string(res.Output) != want {
		t.Errorf("output\n got %s\nwant %s", res.Output, want)
	}
	for _, line := range strings.Split(tc["template"], "\n") {
		if line != "" {
			checkTemplate(t, line, version, env, res)
		}
	}
}

func checkTemplate(t *testing.T, line string, version sql.Version, env *Env, res *Result) {
	text, want, ok := strings.Cut(line, " => ")
	if !ok {
		t.Fatalf("template line %q has no =>", line)
	}
	tmpl, err := CompileTemplate(text, version)
	if err != nil {
		t.Fatalf("template %q: %v", text, err)
	}
	if got, err := tmpl.Render(context.Background(), env, res); err != nil || got != want {
		t.Errorf("template %q = %q, %v; want %q", text, got, err, want)
	}
}
