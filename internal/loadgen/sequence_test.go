package loadgen

import "testing"

func TestSequences_Tally(t *testing.T) {
	cases := []struct {
		name     string
		seen     []stamp // pub, seq only
		foreign  int
		expected uint64
		want     tally
		lost     uint64
	}{
		{"in order", st(0, 0, 1, 2, 3), 0, 4, tally{Unique: 4}, 0},
		{"tail lost", st(0, 0, 1), 0, 4, tally{Unique: 2}, 2},
		{"gap", st(0, 0, 3, 4), 0, 5, tally{Unique: 3, Gaps: 2}, 2},
		{"duplicate", st(0, 0, 1, 1, 2), 0, 3, tally{Unique: 3, Late: 1}, 0},
		{"reordered: late one not credited", st(0, 1, 0), 0, 2, tally{Unique: 1, Gaps: 1, Late: 1}, 1},
		{"two publishers apart", append(st(0, 0, 1), st(5, 0, 2)...), 0, 6, tally{Unique: 4, Gaps: 1}, 2},
		{"foreign", st(0, 0), 3, 1, tally{Unique: 1, Foreign: 3}, 0},
		{"untracked index is foreign", []stamp{{pub: maxTrackedPublishers}}, 0, 0, tally{Foreign: 1}, 0},
		{"unknown expected: gaps", st(0, 2, 5), 0, 0, tally{Unique: 2, Gaps: 4}, 4},
		{"more than expected is not negative", st(0, 0, 1, 2), 0, 2, tally{Unique: 3}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var q sequences
			for _, s := range c.seen {
				q.see(s)
			}
			q.foreign += uint64(c.foreign)
			var got tally
			got.add(&q)
			if got != c.want || got.lost(c.expected) != c.lost {
				t.Errorf("tally %+v lost %d; want %+v lost %d", got, got.lost(c.expected), c.want, c.lost)
			}
		})
	}
}

// st returns stamps of publisher pub with the given sequence numbers.
func st(pub uint32, seqs ...uint64) []stamp {
	out := make([]stamp, len(seqs))
	for i, s := range seqs {
		out[i] = stamp{pub: pub, seq: s}
	}
	return out
}

func TestStamp_RoundTrip(t *testing.T) {
	b := make([]byte, 64)
	want := stamp{pub: 7, seq: 1 << 40, sent: -3}
	putStamp(b, want)
	if got, ok := readStamp(b); !ok || got != want {
		t.Errorf("readStamp = %+v, %v; want %+v", got, ok, want)
	}
	for _, bad := range [][]byte{b[:stampSize-1], append([]byte("hb02"), b[4:]...), nil} {
		if _, ok := readStamp(bad); ok {
			t.Errorf("readStamp(%q) accepted", bad)
		}
	}
}
