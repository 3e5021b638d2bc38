package topic

import "strings"

// node is one level of the subscription trie. A filter's levels lead from
// the root to the node where its subscriptions are kept: literal levels
// through children, `+` through plus, a final `#` through hash (which
// has no children). Index.mu guards every field.
type node[K comparable, V any] struct {
	parent   *node[K, V]
	level    string // key in parent.children (a private copy)
	children map[string]*node[K, V]
	plus     *node[K, V]
	hash     *node[K, V]
	subs     subList[K, V]
	groups   []*Group[K, V]
}

// empty reports whether n holds nothing and can be pruned.
func (n *node[K, V]) empty() bool {
	return len(n.subs.items) == 0 && len(n.groups) == 0 &&
		len(n.children) == 0 && n.plus == nil && n.hash == nil
}

// walk follows filter's levels from n and returns the last node, creating
// missing nodes if create is set; without create it returns nil for a
// filter that has no node.
func (n *node[K, V]) walk(filter string, create bool) *node[K, V] {
	for n != nil {
		level, rest, more := strings.Cut(filter, "/")
		n = n.child(level, create)
		if !more {
			return n
		}
		filter = rest
	}
	return nil
}

// child returns n's child for one filter level, creating it if asked.
func (n *node[K, V]) child(level string, create bool) *node[K, V] {
	slot := &n.plus
	switch level {
	case "+":
	case "#":
		slot = &n.hash
	default:
		c := n.children[level]
		if c == nil && create {
			c = &node[K, V]{parent: n, level: strings.Clone(level)}
			if n.children == nil {
				n.children = make(map[string]*node[K, V])
			}
			n.children[c.level] = c
		}
		return c
	}
	if *slot == nil && create {
		*slot = &node[K, V]{parent: n, level: level}
	}
	return *slot
}

// prune removes n, then each ancestor, while it is empty. The root stays.
func (n *node[K, V]) prune() {
	for n.parent != nil && n.empty() {
		p := n.parent
		switch n {
		case p.plus:
			p.plus = nil
		case p.hash:
			p.hash = nil
		default:
			delete(p.children, n.level)
			if len(p.children) == 0 {
				p.children = nil // maps never shrink
			}
		}
		n.parent = nil
		n = p
	}
}

// group returns n's group named name and its index, or nil and -1.
func (n *node[K, V]) group(name string) (*Group[K, V], int) {
	for i, g := range n.groups {
		if g.name == name {
			return g, i
		}
	}
	return nil, -1
}

// dropGroup removes n.groups[i].
func (n *node[K, V]) dropGroup(i int) {
	last := len(n.groups) - 1
	n.groups[i] = n.groups[last]
	n.groups[last] = nil
	n.groups = n.groups[:last]
	if last == 0 {
		n.groups = nil
	}
}
