package bus

import (
	"bytes"
	"testing"
	"time"
)

func TestDedup_Fresh(t *testing.T) {
	d := dedup{last: map[string]seen{}}
	now := time.Unix(1000, 0)
	steps := []struct {
		run  string
		seq  uint64
		want bool
	}{
		{"a/1", 1, true}, {"a/1", 1, false}, // a copy
		{"a/1", 3, true}, {"a/1", 3, false}, {"a/1", 2, false}, // a gap, then its copies
		{"b/1", 1, true}, // another origin
		{"a/2", 1, true}, // a restarted origin: a new run
		{"a/1", 4, true},
	}
	for i, s := range steps {
		if got := d.fresh(s.run, s.seq, now); got != s.want {
			t.Errorf("step %d: fresh(%s, %d) = %v, want %v", i, s.run, s.seq, got, s.want)
		}
	}
}

func TestDedup_Prune(t *testing.T) {
	d := dedup{last: map[string]seen{}}
	old := time.Unix(1000, 0)
	for i := range dedupPrune {
		d.fresh(string(rune('A'+i)), 1, old)
	}
	d.fresh("new", 1, old.Add(2*dedupForget))
	if len(d.last) != 1 {
		t.Fatalf("%d runs remembered after pruning, want 1", len(d.last))
	}
}

func TestParseSeq(t *testing.T) {
	if run, seq, ok := parseSeq("ab12/42"); !ok || run != "ab12" || seq != 42 {
		t.Errorf("parseSeq = %q, %d, %v", run, seq, ok)
	}
	for _, bad := range []string{"", "ab", "/1", "ab/", "ab/x", "ab/-1"} {
		if _, _, ok := parseSeq(bad); ok {
			t.Errorf("parseSeq(%q) accepted", bad)
		}
	}
}

func TestRetainedFraming(t *testing.T) {
	for _, tc := range []struct {
		topic string
		data  []byte
	}{{"a/b", []byte("v")}, {"a/b", nil}, {"x", []byte{0, 1, 2}}, {string(make([]byte, 300)), []byte("long topic")}} {
		topic, data, err := decodeRetained(encodeRetained(tc.topic, tc.data))
		if err != nil || topic != tc.topic || !bytes.Equal(data, tc.data) || (len(tc.data) == 0) != (data == nil) {
			t.Errorf("round trip of %q, %q: %q, %q, %v", tc.topic, tc.data, topic, data, err)
		}
	}
	for _, bad := range [][]byte{nil, {0}, {5, 'a'}, {0x80}} {
		if _, _, err := decodeRetained(bad); err == nil {
			t.Errorf("decodeRetained(%v) accepted", bad)
		}
	}
}
