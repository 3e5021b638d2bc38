package topic

import (
	"strings"
	"sync"
)

// Hit is one matching subscription reported by Index.Match or
// Index.AppendMatches: either an ordinary subscription (Group is nil, Sub
// holds the subscriber and its value) or a shared-subscription group
// (Group is set, Sub is zero) of which the caller delivers to one member.
type Hit[K comparable, V any] struct {
	Sub[K, V]
	Group *Group[K, V]
}

// Index is the router's subscription index: a trie of topic filters, each
// with its subscribers. K identifies a subscriber (a session pointer or a
// client id); V is what the broker keeps per subscription (QoS, MQTT 5
// options, subscription identifier). A subscriber has at most one
// subscription per filter, and at most one membership per shared group.
//
// # Concurrency
//
// Index is safe for concurrent use and meant for many Match calls with
// occasional Subscribe and Unsubscribe. One sync.RWMutex guards the trie.
// Subscribe and Unsubscribe hold it exclusively for work proportional to the
// filter's levels (plus a copy of the member list for a shared group).
// Match and AppendMatches hold it shared only while they walk the trie and
// copy the hits into a buffer; no caller code ever runs under the lock, so
// the visitor may block, write to the network or call the Index itself.
// Group methods take no lock at all. A Subscribe or Unsubscribe that
// returns before a Match starts is seen by that Match.
//
// The zero Index is empty, uses Mode AWS, and is ready to use. An Index
// must not be copied after first use.
type Index[K comparable, V any] struct {
	mode  Mode
	mu    sync.RWMutex // guards root, every node below it, and count
	root  node[K, V]
	count int
	bufs  sync.Pool // of *[]Hit[K, V], for Match
}

// NewIndex returns an empty Index that matches with the given Mode.
func NewIndex[K comparable, V any](mode Mode) *Index[K, V] {
	return &Index[K, V]{mode: mode}
}

// Mode returns the Mode the index matches with.
func (ix *Index[K, V]) Mode() Mode { return ix.mode }

// Len returns the number of subscriptions, each shared-group membership
// counting as one.
func (ix *Index[K, V]) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.count
}

// Subscribe records key's subscription to filter with value val. A filter
// of the form `$share/{ShareName}/{filter}` makes key a member of that
// shared group. If key already has this subscription, val replaces the old
// value and replaced is true [MQTT-3.8.4-3]; the broker uses this for MQTT
// 5's Retain Handling 1 [MQTT-3.3.1-10].
//
// Subscribe checks filter with ValidateFilter(filter, Limits{}), the
// protocol rules only; callers check their own Limits first. It keeps a
// private copy of the filter's text, so filter may alias a packet buffer.
func (ix *Index[K, V]) Subscribe(filter string, key K, val V) (replaced bool, err error) {
	if err := ValidateFilter(filter, Limits{}); err != nil {
		return false, err
	}
	name, inner, shared, _ := ParseShared(filter)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := ix.root.walk(inner, true)
	if shared {
		g, _ := n.group(name)
		if g == nil {
			g = &Group[K, V]{name: strings.Clone(name), filter: strings.Clone(inner)}
			n.groups = append(n.groups, g)
		}
		replaced = g.put(key, val)
	} else {
		replaced = n.subs.put(key, val)
	}
	if !replaced {
		ix.count++
	}
	return replaced, nil
}

// Unsubscribe removes key's subscription to filter (or its membership of the
// shared group filter names) and reports whether there was one, as MQTT 5's
// UNSUBACK reports "No subscription existed". Nodes and groups left empty
// are removed.
func (ix *Index[K, V]) Unsubscribe(filter string, key K) (removed bool) {
	name, inner, shared, err := ParseShared(filter)
	if err != nil || inner == "" {
		return false
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := ix.root.walk(inner, false)
	if n == nil {
		return false
	}
	if shared {
		removed = n.leaveGroup(name, key)
	} else {
		removed = n.subs.remove(key)
	}
	if removed {
		ix.count--
		n.prune()
	}
	return removed
}

// leaveGroup removes key from n's group name, and the group once empty.
func (n *node[K, V]) leaveGroup(name string, key K) bool {
	g, i := n.group(name)
	if g == nil || !g.remove(key) {
		return false
	}
	if len(g.Members()) == 0 {
		n.dropGroup(i)
	}
	return true
}

// AppendMatches appends to dst a Hit for each subscription whose filter
// matches the topic name, and returns the extended slice; see Match for
// what is reported. It allocates only to grow dst, so a caller that keeps
// its buffer (dst[:0]) matches without allocating. The hits are copies:
// the caller may keep them and the Index may change meanwhile.
func (ix *Index[K, V]) AppendMatches(dst []Hit[K, V], name string) []Hit[K, V] {
	if name == "" {
		return dst
	}
	ix.mu.RLock()
	dst = ix.root.collectRoot(dst, name, ix.mode == MQTT)
	ix.mu.RUnlock()
	return dst
}

// Match calls visit for each subscription whose filter matches the topic
// name (a valid name, see ValidateName), until visit returns false, in no
// particular order:
//   - once per matching ordinary subscription, with Hit.Sub set. A client
//     whose filters overlap (`a/+` and `a/#` for `a/b`) is reported once
//     per matching filter, with each filter's value, so the broker can
//     apply MQTT 5's rules: one delivery at the highest QoS carrying every
//     subscription identifier, or one per subscription [MQTT-3.3.4-2]
//     [MQTT-3.3.4-3];
//   - once per matching shared group, with Hit.Group set; the broker
//     delivers to one member (Group.Pick). A client that is also an
//     ordinary subscriber is reported for both.
//
// The matching is the Index's Mode's (see Mode.Match). visit runs with no
// lock held, on a snapshot taken before the first call: subscriptions added
// or removed meanwhile, by visit itself or others, do not change the hits
// of this call. Match does not allocate once warm.
func (ix *Index[K, V]) Match(name string, visit func(Hit[K, V]) bool) {
	p, _ := ix.bufs.Get().(*[]Hit[K, V])
	if p == nil {
		p = new([]Hit[K, V])
	}
	hits := ix.AppendMatches((*p)[:0], name)
	for _, h := range hits {
		if !visit(h) {
			break
		}
	}
	clear(hits) // drop references for the GC
	*p = hits[:0]
	ix.bufs.Put(p)
}
