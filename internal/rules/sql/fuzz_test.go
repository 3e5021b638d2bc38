package sql

import "testing"

// FuzzParse checks that Parse never panics, that what parses prints SQL that
// parses again to the same tree, and that String is a fixed point. The corpus
// is seeded from the test tables and the conformance cases.
func FuzzParse(f *testing.F) {
	for _, c := range stmtCases {
		f.Add(c.src, true)
	}
	for _, c := range badCases {
		f.Add(c.src, false)
	}
	for _, c := range exprCases {
		f.Add("SELECT "+c.src+" FROM 't'", true)
	}
	for _, c := range readConformance(f) {
		f.Add(c.SQL, true)
	}
	f.Fuzz(func(t *testing.T, src string, v2016 bool) {
		v := v15
		if v2016 {
			v = v16
		}
		st, err := Parse(src, v)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T, want *ParseError", err)
			}
			return
		}
		checkRoundTrip(t, st)
	})
}
