package topic

// Sub is one subscriber of a topic filter and the value stored with its
// subscription (options, subscription identifier, ...).
type Sub[K comparable, V any] struct {
	Key   K
	Value V
}

// linearMax is how many subscriptions a subList holds before it keeps an
// index by key; below it a linear scan is faster than a map.
const linearMax = 8

// subList is the set of ordinary subscriptions ending at one node, at most
// one per key. It is not safe for concurrent use: Index.mu guards it.
type subList[K comparable, V any] struct {
	items []Sub[K, V]
	pos   map[K]int // index of each key in items; nil while len(items) <= linearMax
}

// find returns the index of k in l.items, or -1.
func (l *subList[K, V]) find(k K) int {
	if l.pos != nil {
		if i, ok := l.pos[k]; ok {
			return i
		}
		return -1
	}
	for i := range l.items {
		if l.items[i].Key == k {
			return i
		}
	}
	return -1
}

// put stores v for k and reports whether k already had a value, which it
// replaces [MQTT-3.8.4-3].
func (l *subList[K, V]) put(k K, v V) (replaced bool) {
	if i := l.find(k); i >= 0 {
		l.items[i].Value = v
		return true
	}
	l.items = append(l.items, Sub[K, V]{Key: k, Value: v})
	switch {
	case l.pos != nil:
		l.pos[k] = len(l.items) - 1
	case len(l.items) > linearMax:
		l.pos = make(map[K]int, len(l.items))
		for i, s := range l.items {
			l.pos[s.Key] = i
		}
	}
	return false
}

// remove deletes k's subscription and reports whether there was one. The
// last item takes the removed one's place.
func (l *subList[K, V]) remove(k K) bool {
	i := l.find(k)
	if i < 0 {
		return false
	}
	last := len(l.items) - 1
	if i != last {
		l.items[i] = l.items[last]
		if l.pos != nil {
			l.pos[l.items[i].Key] = i
		}
	}
	l.items[last] = Sub[K, V]{} // drop references for the GC
	l.items = l.items[:last]
	if l.pos != nil {
		delete(l.pos, k)
		if len(l.items) <= linearMax/2 {
			l.pos = nil
		}
	}
	l.shrink()
	return true
}

// shrink gives memory back once a list has lost most of its items.
func (l *subList[K, V]) shrink() {
	switch {
	case len(l.items) == 0:
		l.items = nil
	case cap(l.items) > 64 && len(l.items) < cap(l.items)/4:
		l.items = append([]Sub[K, V](nil), l.items...)
	}
}
