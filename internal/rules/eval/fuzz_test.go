package eval

import (
	"bytes"
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
