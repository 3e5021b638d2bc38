package topic

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// model is the obvious implementation of an Index: a map from (filter,
// key) to value, matched filter by filter with Mode.Match.
type model map[modelKey]int

type modelKey struct {
	filter string // as subscribed, maybe `$share/...`
	key    int
}

// hits returns what hits() must return for name.
func (m model) hits(mode Mode, name string) []string {
	var out []string
	groups := map[string][]string{}
	for mk, v := range m {
		group, inner, shared, _ := ParseShared(mk.filter)
		switch {
		case !mode.Match(inner, name):
		case shared:
			id := "$share/" + group + "/" + inner
			groups[id] = append(groups[id], fmt.Sprint(mk.key))
		default:
			out = append(out, fmt.Sprintf("%d=%d", mk.key, v))
		}
	}
	for id, keys := range groups {
		slices.Sort(keys)
		out = append(out, fmt.Sprintf("%s%v", id, keys))
	}
	slices.Sort(out)
	return out
}

// randomTopic draws 1 to 4 levels (2 if they would all be empty); filter allows wildcards and sharing.
func randomTopic(r *rand.Rand, filter bool) string {
	alphabet := []string{"a", "b", "", "$x"}
	if filter {
		alphabet = append(alphabet, "+", "+")
	}
	n := 1 + r.IntN(4)
	levels := make([]string, n)
	for i := range levels {
		levels[i] = alphabet[r.IntN(len(alphabet))]
	}
	if filter && r.IntN(4) == 0 {
		levels[n-1] = "#"
	}
	t := strings.Join(levels, "/")
	if t == "" {
		t = "/" // the empty string is no topic; two empty levels are
	}
	if filter && r.IntN(6) == 0 {
		t = "$share/" + []string{"g", "h"}[r.IntN(2)] + "/" + t
	}
	return t
}

// TestIndex_Match_AgreesWithModel applies random Subscribe and Unsubscribe
// calls to an Index and to a model, and compares their answers to random
// names after each call.
func TestIndex_Match_AgreesWithModel(t *testing.T) {
	for seed := range uint64(20) {
		for _, mode := range []Mode{AWS, MQTT} {
			r := rand.New(rand.NewPCG(seed, 7))
			checkAgainstModel(t, r, mode, 400)
		}
	}
}

func checkAgainstModel(t *testing.T, r *rand.Rand, mode Mode, steps int) {
	t.Helper()
	ix, m := NewIndex[int, int](mode), model{}
	for step := range steps {
		f, k := randomTopic(r, true), r.IntN(4)
		if r.IntN(3) == 0 {
			_, had := m[modelKey{f, k}]
			if got := ix.Unsubscribe(f, k); got != had {
				t.Fatalf("step %d: Unsubscribe(%q, %d) = %v, want %v", step, f, k, got, had)
			}
			delete(m, modelKey{f, k})
		} else {
			_, had := m[modelKey{f, k}]
			replaced, err := ix.Subscribe(f, k, step)
			if err != nil || replaced != had {
				t.Fatalf("step %d: Subscribe(%q, %d) = %v, %v; want %v", step, f, k, replaced, err, had)
			}
			m[modelKey{f, k}] = step
		}
		name := randomTopic(r, false)
		if got, want := hits(ix, name), m.hits(mode, name); !slices.Equal(got, want) {
			t.Fatalf("%v step %d: hits(%q) = %v, want %v", mode, step, name, got, want)
		}
		if ix.Len() != len(m) {
			t.Fatalf("step %d: Len = %d, want %d", step, ix.Len(), len(m))
		}
	}
	for mk := range m {
		ix.Unsubscribe(mk.filter, mk.key)
	}
	if !ix.root.empty() {
		t.Fatalf("after unsubscribing everything the trie is not empty: %+v", ix.root)
	}
}
