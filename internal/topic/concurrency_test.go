package topic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestIndex_Match_Concurrent runs Match and Group.Pick while other
// goroutines subscribe and unsubscribe; run it with -race. Readers check
// that every hit matches the name, and that the subscriptions nobody
// touches are always all there.
func TestIndex_Match_Concurrent(t *testing.T) {
	ix := NewIndex[string, string](AWS)
	r := rand.New(rand.NewPCG(1, 2))
	stable := model{}
	for i := range 60 {
		f := randomTopic(r, true)
		f = strings.Replace(f, "$share/h/", "$share/g/", 1) // churn owns group h
		mustSubscribe(t, ix, f, fmt.Sprint("stable", i), inner(f))
		stable[modelKey{f, i}] = 0
	}
	names := make([]string, 40)
	want := make([]int, len(names))
	for i := range names {
		names[i] = randomTopic(r, false)
		want[i] = len(stable.hits(AWS, names[i]))
	}

	var done atomic.Bool
	var writers, readers sync.WaitGroup
	for w := range 3 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			churn(t, ix, w)
		}()
	}
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for !done.Load() {
				for i, name := range names {
					checkConcurrentHits(t, ix, name, want[i])
				}
			}
		}()
	}
	writers.Wait()
	done.Store(true)
	readers.Wait()
	if ix.Len() != len(stable) {
		t.Errorf("Len = %d after the churn, want %d", ix.Len(), len(stable))
	}
}

// churn subscribes and unsubscribes filters (the value is the plain
// filter) for keys of its own, the group
// h included, and leaves nothing behind.
func churn(t *testing.T, ix *Index[string, string], w int) {
	r := rand.New(rand.NewPCG(uint64(w), 3))
	var mine []string
	for i := range 1500 {
		f := strings.Replace(randomTopic(r, true), "$share/g/", "$share/h/", 1)
		key := fmt.Sprintf("w%d-%d", w, i)
		if _, err := ix.Subscribe(f, key, inner(f)); err != nil {
			t.Error(err)
			return
		}
		mine = append(mine, f, key)
		if len(mine) > 40 {
			j := 2 * r.IntN(len(mine)/2)
			if !ix.Unsubscribe(mine[j], mine[j+1]) {
				t.Errorf("Unsubscribe(%q, %q) = false", mine[j], mine[j+1])
			}
			mine = append(mine[:j], mine[j+2:]...)
		}
	}
	for j := 0; j < len(mine); j += 2 {
		ix.Unsubscribe(mine[j], mine[j+1])
	}
}

// inner returns the plain filter of f, shared or not.
func inner(f string) string {
	_, in, _, _ := ParseShared(f)
	return in
}

// checkConcurrentHits matches name once and checks the hits.
func checkConcurrentHits(t *testing.T, ix *Index[string, string], name string, wantStable int) {
	stableHits := 0
	ix.Match(name, func(h Hit[string, string]) bool {
		filter := h.Value
		if h.Group != nil {
			filter = h.Group.Filter()
			if s, ok := h.Group.Pick(nil); ok && s.Value != filter {
				t.Errorf("group %s/%s has a member with filter %q", h.Group.Name(), filter, s.Value)
			}
			if h.Group.Name() == "g" {
				stableHits++
			}
		} else if strings.HasPrefix(h.Key, "stable") {
			stableHits++
		}
		if !AWS.Match(filter, name) {
			t.Errorf("hit %q for name %q does not match", filter, name)
		}
		return true
	})
	if stableHits != wantStable {
		t.Errorf("name %q: %d stable hits, want %d", name, stableHits, wantStable)
	}
}
