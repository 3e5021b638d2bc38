package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// DefaultKeyCacheSize is how many derived signing keys a Verifier keeps
// when Options.KeyCacheSize is 0: a key lives for one day, region and
// service, so this covers hundreds of active access keys.
const DefaultKeyCacheSize = 512

// SigningKey derives the SigV4 signing key (spec §5.2):
// kDate = HMAC("AWS4"+secret, date), kRegion = HMAC(kDate, region),
// kService = HMAC(kRegion, service), kSigning = HMAC(kService, "aws4_request").
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// cacheKey names a derived key. The secret is part of it so that a
// rotated or deleted key's entries are never used again.
type cacheKey struct{ secret, date, region, service string }

// keyCache is a bounded map of derived signing keys. When full, an
// arbitrary entry is evicted: entries are cheap to recompute, and keys
// roll over daily, so no recency bookkeeping is worth its cost.
type keyCache struct {
	max int
	mu  sync.Mutex // guards m
	m   map[cacheKey][]byte
}

func newKeyCache(max int) *keyCache {
	if max <= 0 {
		return nil
	}
	return &keyCache{max: max, m: make(map[cacheKey][]byte, max)}
}

// get returns the signing key for k, deriving and caching it on a miss.
// A nil cache derives every time. The returned slice must not be modified.
func (c *keyCache) get(k cacheKey) []byte {
	if c == nil {
		return SigningKey(k.secret, k.date, k.region, k.service)
	}
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = SigningKey(k.secret, k.date, k.region, k.service)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
	return v
}

// len reports the number of cached keys.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
