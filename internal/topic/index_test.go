package topic

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// hits returns the hits of name in ix as sorted strings: "key=value" for an
// ordinary subscription, "$share/name/filter[k1 k2]" for a group.
func hits[K comparable, V any](ix *Index[K, V], name string) []string {
	var out []string
	ix.Match(name, func(h Hit[K, V]) bool {
		out = append(out, describe(h))
		return true
	})
	slices.Sort(out)
	return out
}

func describe[K comparable, V any](h Hit[K, V]) string {
	if h.Group == nil {
		return fmt.Sprintf("%v=%v", h.Key, h.Value)
	}
	var keys []string
	for _, m := range h.Group.Members() {
		keys = append(keys, fmt.Sprint(m.Key))
	}
	slices.Sort(keys)
	return fmt.Sprintf("$share/%s/%s%v", h.Group.Name(), h.Group.Filter(), keys)
}

func mustSubscribe[K comparable, V any](t testing.TB, ix *Index[K, V], filter string, k K, v V) {
	t.Helper()
	if _, err := ix.Subscribe(filter, k, v); err != nil {
		t.Fatal(err)
	}
}

// TestIndex_Match_Table runs matchCases through an Index of one
// subscription in each Mode, so the trie and Mode.Match agree on them.
// Rows with a `$share/` filter are left out: Match takes them literally,
// the Index as shared subscriptions.
func TestIndex_Match_Table(t *testing.T) {
	for _, tc := range matchCases {
		if strings.HasPrefix(tc.filter, sharePrefix) {
			continue
		}
		for _, m := range []Mode{AWS, MQTT} {
			ix := NewIndex[string, int](m)
			mustSubscribe(t, ix, tc.filter, "c", 1)
			want := map[Mode]bool{AWS: tc.aws, MQTT: tc.mqtt}[m]
			if got := len(hits(ix, tc.name)) == 1; got != want {
				t.Errorf("%v index {%q} matches %q: %v, want %v", m, tc.filter, tc.name, got, want)
			}
		}
	}
}

func TestIndex_Match_OverlappingFilters(t *testing.T) {
	var ix Index[string, string]
	for _, f := range []string{"a/+", "a/#", "a/b", "#", "+/b", "a/c", "a/b/#"} {
		mustSubscribe(t, &ix, f, "c1", f)
	}
	mustSubscribe(t, &ix, "a/b", "c2", "a/b")
	got := hits(&ix, "a/b")
	want := []string{"c1=#", "c1=+/b", "c1=a/#", "c1=a/+", "c1=a/b", "c2=a/b"}
	if !slices.Equal(got, want) {
		t.Errorf("hits(a/b) = %v, want %v", got, want)
	}
}

func TestIndex_Subscribe_ReplacesValue(t *testing.T) {
	var ix Index[string, int]
	if replaced, err := ix.Subscribe("a/+", "c", 1); replaced || err != nil {
		t.Fatalf("first Subscribe = %v, %v", replaced, err)
	}
	if replaced, err := ix.Subscribe("a/+", "c", 2); !replaced || err != nil {
		t.Fatalf("second Subscribe = %v, %v; want replaced", replaced, err)
	}
	if got := hits(&ix, "a/x"); !slices.Equal(got, []string{"c=2"}) || ix.Len() != 1 {
		t.Errorf("hits = %v, Len = %d; want [c=2], 1", got, ix.Len())
	}
}

func TestIndex_Subscribe_InvalidFilter(t *testing.T) {
	var ix Index[string, int]
	for _, f := range []string{"", "a/#/b", "a+", "$share/g", "$share/+/a", "a\x00"} {
		replaced, err := ix.Subscribe(f, "c", 1)
		var e *Error
		if replaced || !errors.As(err, &e) {
			t.Errorf("Subscribe(%q) = %v, %v; want an *Error", f, replaced, err)
		}
	}
	if ix.Len() != 0 || !ix.root.empty() {
		t.Errorf("refused filters left Len %d, root %+v", ix.Len(), ix.root)
	}
}

func TestIndex_Unsubscribe_Missing(t *testing.T) {
	var ix Index[string, int]
	mustSubscribe(t, &ix, "a/b", "c", 1)
	mustSubscribe(t, &ix, "$share/g/a/b", "c", 1)
	for _, tc := range []struct{ filter, key string }{
		{"a/b", "other"}, {"a", "c"}, {"a/b/c", "c"}, {"a/+", "c"}, {"$share/h/a/b", "c"},
		{"$share/g/a/c", "c"}, {"$share/g", "c"}, {"", "c"}, {"a/#/b", "c"},
	} {
		if ix.Unsubscribe(tc.filter, tc.key) {
			t.Errorf("Unsubscribe(%q, %q) = true, want false", tc.filter, tc.key)
		}
	}
	if ix.Len() != 2 {
		t.Errorf("Len = %d, want 2", ix.Len())
	}
}

func TestIndex_Unsubscribe_PrunesNodes(t *testing.T) {
	var ix Index[int, int]
	filters := []string{"a/b/c", "a/b", "a/+/c", "a/#", "#", "+", "+/+/#", "/", "a//b", "$share/g/a/b/c", "$share/h/+"}
	for i, f := range filters {
		mustSubscribe(t, &ix, f, i, i)
		mustSubscribe(t, &ix, f, i+100, i)
	}
	if ix.Len() != 2*len(filters) {
		t.Fatalf("Len = %d", ix.Len())
	}
	for i, f := range filters {
		if !ix.Unsubscribe(f, i) {
			t.Fatalf("Unsubscribe(%q, %d) = false", f, i)
		}
	}
	// A partial removal keeps what is still used.
	want := []string{"$share/g/a/b/c[109]", "100=0", "102=2", "103=3", "104=4", "106=6"}
	if got := hits(&ix, "a/b/c"); !slices.Equal(got, want) {
		t.Errorf("after removing one subscriber per filter, hits(a/b/c) = %v, want %v", got, want)
	}
	for i, f := range filters {
		if !ix.Unsubscribe(f, i+100) {
			t.Fatalf("Unsubscribe(%q, %d) = false", f, i+100)
		}
	}
	if ix.Len() != 0 || !ix.root.empty() || ix.root.children != nil {
		t.Errorf("index not pruned: Len %d, root %+v", ix.Len(), ix.root)
	}
}

func TestIndex_Unsubscribe_KeepsSiblings(t *testing.T) {
	var ix Index[string, int]
	mustSubscribe(t, &ix, "a/b/c", "x", 1)
	mustSubscribe(t, &ix, "a/b", "y", 2)
	ix.Unsubscribe("a/b/c", "x")
	b := ix.root.children["a"].children["b"]
	if b == nil || b.children != nil || len(b.subs.items) != 1 {
		t.Fatalf("node a/b = %+v, want it kept without children", b)
	}
	if got := hits(&ix, "a/b"); !slices.Equal(got, []string{"y=2"}) {
		t.Errorf("hits(a/b) = %v", got)
	}
}

func TestIndex_Match_SharedGroups(t *testing.T) {
	var ix Index[string, int]
	mustSubscribe(t, &ix, "$share/g1/a/+", "x", 1)
	mustSubscribe(t, &ix, "$share/g1/a/+", "y", 1)
	mustSubscribe(t, &ix, "$share/g1/a/b", "z", 1) // same name, other filter: other group
	mustSubscribe(t, &ix, "$share/g2/#", "x", 1)
	mustSubscribe(t, &ix, "a/+", "x", 1) // ordinary and shared at once
	got := hits(&ix, "a/b")
	want := []string{"$share/g1/a/+[x y]", "$share/g1/a/b[z]", "$share/g2/#[x]", "x=1"}
	if !slices.Equal(got, want) {
		t.Errorf("hits(a/b) = %v, want %v", got, want)
	}
	if got := hits(&ix, "$SYS/a"); got != nil {
		t.Errorf("hits($SYS/a) = %v, want none: `$share/g2/#` starts with a wildcard", got)
	}
	if ix.Len() != 5 {
		t.Errorf("Len = %d, want 5", ix.Len())
	}
}

func TestIndex_Unsubscribe_SharedVsOrdinary(t *testing.T) {
	var ix Index[string, int]
	mustSubscribe(t, &ix, "a/b", "c", 1)
	mustSubscribe(t, &ix, "$share/g/a/b", "c", 2)
	if !ix.Unsubscribe("a/b", "c") {
		t.Fatal("Unsubscribe(a/b) = false")
	}
	if got := hits(&ix, "a/b"); !slices.Equal(got, []string{"$share/g/a/b[c]"}) {
		t.Errorf("hits = %v, want only the group", got)
	}
	var held *Group[string, int]
	ix.Match("a/b", func(h Hit[string, int]) bool { held = h.Group; return true })
	if !ix.Unsubscribe("$share/g/a/b", "c") || hits(&ix, "a/b") != nil || !ix.root.empty() {
		t.Fatalf("group not removed: %v", hits(&ix, "a/b"))
	}
	if _, ok := held.Pick(nil); ok || len(held.Members()) != 0 {
		t.Errorf("a held group that lost its members still picks %v", held.Members())
	}
}

func TestIndex_Match_StopsWhenVisitReturnsFalse(t *testing.T) {
	var ix Index[int, int]
	for i := range 10 {
		mustSubscribe(t, &ix, "a", i, i)
	}
	calls := 0
	ix.Match("a", func(Hit[int, int]) bool { calls++; return calls < 3 })
	if calls != 3 {
		t.Errorf("visit called %d times, want 3", calls)
	}
}

// TestIndex_Match_VisitorMayChangeIndex shows that no lock is held while
// visit runs: a lock would deadlock here.
func TestIndex_Match_VisitorMayChangeIndex(t *testing.T) {
	var ix Index[int, int]
	for i := range 20 {
		mustSubscribe(t, &ix, "a/+", i, i)
	}
	seen := 0
	ix.Match("a/b", func(h Hit[int, int]) bool {
		seen++
		ix.Unsubscribe("a/+", h.Key) // removes also those not yet visited
		mustSubscribe(t, &ix, "a/b", h.Key+100, 0)
		return true
	})
	if seen != 20 || ix.Len() != 20 || len(hits(&ix, "a/b")) != 20 {
		t.Errorf("seen %d, Len %d; want the snapshot's 20 and 20 new", seen, ix.Len())
	}
}

// TestIndex_Subscribe_CopiesFilter subscribes with a string that aliases a
// buffer, as a zero-copy packet decoder would hand over, then reuses the
// buffer.
func TestIndex_Subscribe_CopiesFilter(t *testing.T) {
	var ix Index[string, int]
	for _, f := range []string{"dev/d1/cmd", "$share/grp/dev/+/cmd"} {
		buf := []byte(f)
		mustSubscribe(t, &ix, unsafe.String(&buf[0], len(buf)), "c", 1)
		copy(buf, strings.Repeat("z", len(buf)))
	}
	got := hits(&ix, "dev/d1/cmd")
	if want := []string{"$share/grp/dev/+/cmd[c]", "c=1"}; !slices.Equal(got, want) {
		t.Errorf("after the buffers changed, hits = %v, want %v", got, want)
	}
}

// TestIndex_Unsubscribe_ManySubscribersOneFilter crosses the subList's
// switch between a linear scan and a map index, both ways.
func TestIndex_Unsubscribe_ManySubscribersOneFilter(t *testing.T) {
	var ix Index[int, int]
	const n = 200
	for i := range n {
		mustSubscribe(t, &ix, "a/b", i, i)
	}
	for i := 0; i < n; i += 2 {
		if !ix.Unsubscribe("a/b", i) {
			t.Fatalf("Unsubscribe(%d) = false", i)
		}
	}
	for i := 0; i < n-6; i++ { // leave 3 odd keys: below linearMax
		if i%2 == 1 && !ix.Unsubscribe("a/b", i) {
			t.Fatalf("Unsubscribe(%d) = false", i)
		}
	}
	var got []int
	ix.Match("a/b", func(h Hit[int, int]) bool {
		if h.Key != h.Value {
			t.Errorf("key %d has value %d", h.Key, h.Value)
		}
		got = append(got, h.Key)
		return true
	})
	slices.Sort(got)
	if want := []int{n - 5, n - 3, n - 1}; !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
	if replaced, _ := ix.Subscribe("a/b", n-3, 7); !replaced {
		t.Error("re-subscribing a remaining key did not replace")
	}
}

func TestIndex_AppendMatches_ReusesBuffer(t *testing.T) {
	var ix Index[int, int]
	mustSubscribe(t, &ix, "a/+", 1, 1)
	mustSubscribe(t, &ix, "#", 2, 2)
	buf := []Hit[int, int]{{Sub: Sub[int, int]{Key: 9}}}
	buf = ix.AppendMatches(buf, "a/b")
	if len(buf) != 3 || buf[0].Key != 9 {
		t.Fatalf("AppendMatches did not append: %v", buf)
	}
	if got := ix.AppendMatches(buf[:0], ""); len(got) != 0 {
		t.Errorf("the empty name matched %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { buf = ix.AppendMatches(buf[:0], "a/b") }); n != 0 {
		t.Errorf("AppendMatches allocates %v times with a warm buffer", n)
	}
	if n := testing.AllocsPerRun(100, func() { ix.Match("a/b", func(Hit[int, int]) bool { return true }) }); n != 0 {
		t.Errorf("Match allocates %v times once warm", n)
	}
}

func TestGroup_Pick_RoundRobin(t *testing.T) {
	var ix Index[string, int]
	for _, k := range []string{"a", "b", "c"} {
		mustSubscribe(t, &ix, "$share/g/t", k, 0)
	}
	var g *Group[string, int]
	ix.Match("t", func(h Hit[string, int]) bool { g = h.Group; return true })
	count := map[string]int{}
	for range 30 {
		s, ok := g.Pick(nil)
		if !ok {
			t.Fatal("Pick failed")
		}
		count[s.Key]++
	}
	if count["a"] != 10 || count["b"] != 10 || count["c"] != 10 {
		t.Errorf("picks %v, want 10 each", count)
	}
	for range 5 {
		if s, ok := g.Pick(func(k string, _ int) bool { return k == "b" }); !ok || s.Key != "b" {
			t.Errorf("Pick(only b) = %v, %v", s, ok)
		}
	}
	if s, ok := g.Pick(func(string, int) bool { return false }); ok {
		t.Errorf("Pick(none) = %v, true", s)
	}
	if n := testing.AllocsPerRun(100, func() { g.Pick(func(k string, _ int) bool { return k != "a" }) }); n != 0 {
		t.Errorf("Pick allocates %v times", n)
	}
}

func TestGroup_Members_SnapshotUnchangedBySubscribe(t *testing.T) {
	var ix Index[string, int]
	mustSubscribe(t, &ix, "$share/g/t", "a", 1)
	mustSubscribe(t, &ix, "$share/g/t", "b", 1)
	var g *Group[string, int]
	ix.Match("t", func(h Hit[string, int]) bool { g = h.Group; return true })
	before := g.Members()
	mustSubscribe(t, &ix, "$share/g/t", "a", 2) // replace
	mustSubscribe(t, &ix, "$share/g/t", "c", 1) // join
	ix.Unsubscribe("$share/g/t", "b")           // leave
	if len(before) != 2 || before[0] != (Sub[string, int]{"a", 1}) || before[1] != (Sub[string, int]{"b", 1}) {
		t.Errorf("an earlier snapshot changed: %v", before)
	}
	if got := hits(&ix, "t"); !slices.Equal(got, []string{"$share/g/t[a c]"}) {
		t.Errorf("hits = %v", got)
	}
	if m := g.Members(); len(m) != 2 || m[0] != (Sub[string, int]{"a", 2}) {
		t.Errorf("members now %v, want a=2 first", m)
	}
}
