package topic

import "strings"

// collectRoot appends to dst a Hit for every subscription and group in the
// trie under root whose filter matches name (not empty). Filters that
// start with a wildcard skip names that start with `$` [MQTT-4.7.2-1].
// mqtt selects Mode MQTT. The caller holds Index.mu for reading.
func (root *node[K, V]) collectRoot(dst []Hit[K, V], name string, mqtt bool) []Hit[K, V] {
	level, rest, more := strings.Cut(name, "/")
	if name[0] != '$' {
		if root.hash != nil {
			dst = root.hash.appendHits(dst)
		}
		if root.plus != nil {
			dst = root.plus.collect(dst, rest, more, mqtt)
		}
	}
	if c := root.children[level]; c != nil {
		dst = c.collect(dst, rest, more, mqtt)
	}
	return dst
}

// collect appends the hits of n's subtree. n has matched the name's levels
// so far; rest holds the levels still to match, and more reports whether
// there are any (rest == "" with more set is one empty level, as in `a/`).
// Each filter matches a name in at most one way, so no subscription is
// reported twice.
func (n *node[K, V]) collect(dst []Hit[K, V], rest string, more, mqtt bool) []Hit[K, V] {
	if !more {
		dst = n.appendHits(dst)
		if mqtt && n.hash != nil {
			dst = n.hash.appendHits(dst) // `a/#` matches `a` [MQTT-4.7.1-2]
		}
		return dst
	}
	if n.hash != nil {
		dst = n.hash.appendHits(dst) // one or more levels left
	}
	level, tail, next := strings.Cut(rest, "/")
	if c := n.children[level]; c != nil {
		dst = c.collect(dst, tail, next, mqtt)
	}
	if n.plus != nil {
		dst = n.plus.collect(dst, tail, next, mqtt)
	}
	return dst
}

// appendHits appends one Hit per ordinary subscription and one per group
// kept at n.
func (n *node[K, V]) appendHits(dst []Hit[K, V]) []Hit[K, V] {
	for _, s := range n.subs.items {
		dst = append(dst, Hit[K, V]{Sub: s})
	}
	for _, g := range n.groups {
		dst = append(dst, Hit[K, V]{Group: g})
	}
	return dst
}
