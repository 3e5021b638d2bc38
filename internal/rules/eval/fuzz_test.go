package eval

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseJSON checks that the decoder never panics and that what it
// accepts serialises to JSON it accepts again, unchanged.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `"\u00e9"`, `1E400`, `[]`, `{"a":{"b":{}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data, true)
		if err != nil {
			return
		}
		out := AppendJSON(nil, v)
		v2, err := ParseJSON(out, true)
		if err != nil {
			t.Fatalf("%q → %q, which does not parse: %v", data, out, err)
		}
		if again := AppendJSON(nil, v2); !bytes.Equal(again, out) {
			t.Fatalf("%q → %q → %q", data, out, again)
		}
	})
}

// FuzzParsePayload checks that decoding only some top-level members
// (parsePayload) accepts exactly what the full decoder accepts and yields
// the same value for each member it keeps.
func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{`{"a":20,"b":3,"name":"sensor-1"}`, `{"a":1,"a":{"x":[1,2]},"c":"\u00e9"}`, `{"b":-0,"z":1e5}`, `[1]`, `{"a":01}`, `{"q":"\x01"}`, `{"a":tru}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v2 := range []bool{false, true} {
			full, errFull := ParseJSON(data, v2)
			ks := &keySet{keys: []string{"a", "b"}}
			var top Object
			top.fields = top.small[:0]
			part, errPart := parsePayload(string(data), v2, ks, &top)
			if (errFull == nil) != (errPart == nil) {
				t.Fatalf("%q: full decode error %v, partial %v", data, errFull, errPart)
			}
			if errFull != nil {
				continue
			}
			if full.kind != KindObject {
				if !bytes.Equal(AppendJSON(nil, full), AppendJSON(nil, part)) {
					t.Fatalf("%q: %s, partially %s", data, AppendJSON(nil, full), AppendJSON(nil, part))
				}
				continue
			}
			for _, k := range ks.keys {
				a, b := full.object().Get(k), part.object().Get(k)
				if a.kind != b.kind || !bytes.Equal(AppendJSON(nil, a), AppendJSON(nil, b)) {
					t.Fatalf("%q: %s is %s, partially %s", data, k, AppendJSON(nil, a), AppendJSON(nil, b))
				}
			}
			if n := part.object().Len(); n > len(ks.keys) {
				t.Fatalf("%q: partial decode kept %d members", data, n)
			}
		}
	})
}

// TestParseJSON_MaxDepth pins the nesting limit for every kind of member,
// for the full and the partial decoder alike.
func TestParseJSON_MaxDepth(t *testing.T) {
	for _, leaf := range []string{`"s"`, `1`, `-12`, `1.5`, `true`, `[]`, `{}`} {
		for _, depth := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
			// depth objects around {"a":leaf}: leaf sits at depth+1.
			doc := strings.Repeat(`{"a":`, depth) + `{"a":` + leaf + `}` + strings.Repeat(`}`, depth)
			_, errFull := ParseJSON([]byte(doc), true)
			if want := depth+1 <= maxDepth; (errFull == nil) != want {
				t.Errorf("leaf %s at depth %d: error %v", leaf, depth+1, errFull)
			}
			var top Object
			top.fields = top.small[:0]
			_, errPart := parsePayload(doc, true, &keySet{keys: []string{"a"}}, &top)
			if (errPart == nil) != (errFull == nil) {
				t.Errorf("leaf %s at depth %d: partial error %v, full %v", leaf, depth+1, errPart, errFull)
			}
			top.fields = top.small[:0]
			_, errSkip := parsePayload(doc, true, &keySet{}, &top)
			if (errSkip == nil) != (errFull == nil) {
				t.Errorf("leaf %s at depth %d: skipping error %v, full %v", leaf, depth+1, errSkip, errFull)
			}
		}
	}
}
