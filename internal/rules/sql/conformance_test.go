package sql

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// conformanceFile is a verbatim copy of the shared conformance cases
// (shared/conformance/rules-cases.jsonl, spec §14), kept here so the test
// runs from the repository alone.
const conformanceFile = "testdata/rules-cases.jsonl"

// conformanceCase holds the fields of a case the parser needs.
type conformanceCase struct {
	ID         string  `json:"id"`
	SQL        string  `json:"sql"`
	SQLVersion Version `json:"sql_version"`
}

func readConformance(t testing.TB) []conformanceCase {
	t.Helper()
	f, err := os.Open(conformanceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []conformanceCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c conformanceCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", conformanceFile, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestParse_Conformance parses every rule of the conformance cases with its
// version (none of them is meant to fail parsing) and round-trips it.
func TestParse_Conformance(t *testing.T) {
	cases := readConformance(t)
	if len(cases) < 100 {
		t.Fatalf("%s: %d cases, want the 111 of the shared file", conformanceFile, len(cases))
	}
	for _, c := range cases {
		st, err := Parse(c.SQL, c.SQLVersion)
		if err != nil {
			t.Errorf("%s: Parse(%q, %s): %v", c.ID, c.SQL, c.SQLVersion, err)
			continue
		}
		checkRoundTrip(t, st)
	}
}
