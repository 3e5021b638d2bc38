package shadow

import "sync"

// docCache keeps the last document each shadow's worker wrote, with its
// store record version, so an update need not read the store first: the
// write is conditional on that record version (PutIfVersion), so a
// document that another node changed meanwhile fails the write with a
// conflict, and the update then reads the store as usual. Only updates
// and deletes use it; a get always reads the store. It holds at most max
// shadows and forgets an arbitrary one to make room.
type docCache struct {
	mu  sync.Mutex
	max int
	m   map[string]cachedDoc
}

type cachedDoc struct {
	doc        *Document
	recVersion int64
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, m: make(map[string]cachedDoc)}
}

// get returns key's cached document, if any. The document must not be
// modified.
func (c *docCache) get(key string) (cachedDoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[key]
	return d, ok
}

// put records d, just written at record version recVersion.
func (c *docCache) put(key string, d *Document, recVersion int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = cachedDoc{d, recVersion}
}

// forget drops key, after a failed or conflicting write.
func (c *docCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
