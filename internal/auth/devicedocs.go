package auth

import (
	"sync"

	"github.com/hob-iot/hob/internal/policy"
)

// maxCachedDocs bounds the compiled-document cache; when it is full it
// starts again empty (documents are few, so this is rare).
const maxCachedDocs = 1024

// docCache shares compiled policy documents, keyed by their text, between
// principals: a fleet whose certificates all carry the same policy holds
// one compiled copy of it.
type docCache struct {
	mu sync.Mutex // guards m
	m  map[string]*policy.Document
}

// compile returns the compiled form of text, from the cache when it can.
func (c *docCache) compile(text string) (*policy.Document, error) {
	c.mu.Lock()
	d, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := policy.Parse(text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedDocs {
		clear(c.m)
	}
	c.m[text] = d
	return d, nil
}

// compileAll compiles each policy's document. A document that does not
// parse (the registry validated it, so only a newer or older hob's could
// fail) is logged and left nil, so that it allows nothing.
func (ds *Devices) compileAll(ps []PolicyDocument) []*policy.Document {
	docs := make([]*policy.Document, len(ps))
	for i, p := range ps {
		d, err := ds.docs.compile(p.Document)
		if err != nil {
			ds.log.Error("a policy attached to a device does not parse; it allows nothing", "policy", p.Name, "err", err)
		}
		docs[i] = d
	}
	return docs
}
