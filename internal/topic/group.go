package topic

import (
	"slices"
	"sync/atomic"
)

// Group is a shared-subscription group: the subscribers of one
// `$share/{ShareName}/{filter}` [MQTT-4.8.2-1]. Each matching message
// goes to one member of each matching group (spec §4.8); the Index reports
// the group and the broker chooses, usually with Pick.
//
// A Group's methods take no lock and may be called at any time, also after
// the group has lost its last member (it then has none). Its member list
// is an immutable snapshot that the Index replaces, under its own lock,
// when a member joins, leaves or changes its value; copying the list on
// each change is cheap for the small groups shared subscriptions serve.
type Group[K comparable, V any] struct {
	name    string
	filter  string
	members atomic.Pointer[[]Sub[K, V]]
	next    atomic.Uint64 // round-robin cursor
}

// Name returns the group's ShareName.
func (g *Group[K, V]) Name() string { return g.name }

// Filter returns the group's topic filter, without `$share/{ShareName}/`.
func (g *Group[K, V]) Filter() string { return g.filter }

// Members returns the current members, in no particular order. The slice is
// a snapshot shared with other callers: it must not be modified.
func (g *Group[K, V]) Members() []Sub[K, V] {
	if p := g.members.Load(); p != nil {
		return *p
	}
	return nil
}

// Pick chooses a member round robin: it offers members to accept, starting
// one past where the previous Pick started, and returns the first one
// accept approves (a nil accept approves any). ok is false when the group
// is empty or accept refused every member, e.g. because none is online.
// No lock is held while accept runs, so it may call the Index. Pick does
// not allocate.
func (g *Group[K, V]) Pick(accept func(K, V) bool) (s Sub[K, V], ok bool) {
	m := g.Members()
	if len(m) == 0 {
		return s, false
	}
	start := g.next.Add(1) - 1
	for i := range uint64(len(m)) {
		s = m[(start+i)%uint64(len(m))]
		if accept == nil || accept(s.Key, s.Value) {
			return s, true
		}
	}
	return Sub[K, V]{}, false
}

// put adds k to the group or replaces its value, and reports whether k was
// a member. Callers hold Index.mu.
func (g *Group[K, V]) put(k K, v V) (replaced bool) {
	old := g.Members()
	i := slices.IndexFunc(old, func(s Sub[K, V]) bool { return s.Key == k })
	var m []Sub[K, V]
	if i >= 0 {
		m = slices.Clone(old)
		m[i].Value = v
	} else {
		m = append(slices.Clip(old), Sub[K, V]{Key: k, Value: v}) // copies: old is clipped
	}
	g.members.Store(&m)
	return i >= 0
}

// remove takes k out of the group and reports whether it was a member.
// Callers hold Index.mu.
func (g *Group[K, V]) remove(k K) bool {
	old := g.Members()
	i := slices.IndexFunc(old, func(s Sub[K, V]) bool { return s.Key == k })
	if i < 0 {
		return false
	}
	m := slices.Delete(slices.Clone(old), i, i+1)
	g.members.Store(&m)
	return true
}
