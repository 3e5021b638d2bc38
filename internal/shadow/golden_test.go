package shadow

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenStep is one request of a testdata/*.steps.json script.
type goldenStep struct {
	At    int64           `json:"at"`
	Op    string          `json:"op"`
	Body  json.RawMessage `json:"body"`
	Token string          `json:"token"`
}

// TestGolden replays each testdata/*.steps.json script through the pure
// document functions (as the service runs them) and compares every
// published payload, byte for byte, with testdata/*.golden. The scripts
// rebuild the example documents of spec §1.4; go test -update rewrites
// the golden files.
func TestGolden(t *testing.T) {
	scripts, _ := filepath.Glob("testdata/*.steps.json")
	if len(scripts) == 0 {
		t.Fatal("no testdata/*.steps.json")
	}
	for _, path := range scripts {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := replay(t, path)
			golden := strings.TrimSuffix(path, ".steps.json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from %s:\n%s", golden, got)
			}
		})
	}
}

// replay runs a script and returns one line per published payload.
func replay(t *testing.T, path string) []byte {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var script struct{ Steps []goldenStep }
	if err := json.Unmarshal(raw, &script); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out bytes.Buffer
	var cur *Document
	rules := docRules{MaxStateBytes: DefaultMaxStateBytes, TombstoneTTL: 48 * 3600}
	for i, st := range script.Steps {
		fmt.Fprintf(&out, "# %d %s at %d\n", i+1, st.Op, st.At)
		cur = replayStep(t, &out, cur, st, rules)
	}
	return out.Bytes()
}

// replayStep runs one step on cur, writes its payloads to out and returns
// the new stored document.
func replayStep(t *testing.T, out *bytes.Buffer, cur *Document, st goldenStep, rules docRules) *Document {
	live := cur != nil && cur.DeletedAt == 0
	line := func(topic string, payload []byte) { fmt.Fprintf(out, "%s %s\n", topic, payload) }
	switch st.Op {
	case "get":
		if !live {
			line("rejected", renderError(notFound("T", "", st.Token), st.At))
			return cur
		}
		line("accepted", renderGet(cur, st.At, st.Token))
	case "delete":
		if !live {
			line("rejected", renderError(notFound("T", "", st.Token), st.At))
			return cur
		}
		line("accepted", renderDelete(cur.Version, st.At, st.Token))
		return &Document{Version: cur.Version, DeletedAt: st.At}
	case "update":
		req, e := parseUpdate(st.Body, limits{MaxDepth: DefaultMaxDepth, MaxRequestBytes: DefaultMaxRequestBytes})
		var o *updateOutcome
		if e == nil {
			o, e = updateDocument(cur, req, st.At, rules)
		}
		if e != nil {
			line("rejected", renderError(e, st.At))
			return cur
		}
		line("accepted", o.Accepted)
		if o.Delta != nil {
			line("delta", o.Delta)
		}
		line("documents", o.Documents)
		return o.Doc
	default:
		t.Fatalf("unknown op %q", st.Op)
	}
	return cur
}

// TestGolden_SpecExamples checks that the golden output holds the example
// documents of spec §1.4 verbatim.
func TestGolden_SpecExamples(t *testing.T) {
	examples := map[string][]string{
		"testdata/spec-get.golden": {
			`accepted {"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"},"delta":{"color":"RED"}},"metadata":{"desired":{"color":{"timestamp":1730482794}},"reported":{"color":{"timestamp":1730481958}}},"version":3,"timestamp":1730482800,"clientToken":"tok-get"}`,
		},
		"testdata/spec-update.golden": {
			`accepted {"state":{"reported":{"Status":"Awful"}},"metadata":{"reported":{"Status":{"timestamp":1730483858}}},"version":7,"timestamp":1730483858,"clientToken":"af54"}`,
			`delta {"state":{"Status":"Great"},"metadata":{"Status":{"timestamp":1730483069}},"timestamp":1730483858,"version":7,"clientToken":"af54"}`,
		},
	}
	for path, want := range examples {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !bytes.Contains(got, []byte(w+"\n")) {
				t.Errorf("%s lacks the spec's example\n%s", path, w)
			}
		}
	}
}
