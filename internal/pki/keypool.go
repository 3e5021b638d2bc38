package pki

import (
	"context"
	"crypto/rsa"
	"io"
	"sync"
	"sync/atomic"
)

// Interface guards.
var (
	_ io.Closer = (*KeyPool)(nil)
	_ io.Closer = (*Authority)(nil)
)

// KeyPool keeps up to a fixed number of RSA-2048 keys generated ahead of
// time by one background goroutine, so that CreateKeysAndCertificate does
// not wait tens of milliseconds for a key. The goroutine belongs to the
// pool: it stops when the pool's context is cancelled or Close is called.
// A KeyPool is safe for concurrent use.
type KeyPool struct {
	keys   chan *rsa.PrivateKey
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
}

// NewKeyPool starts a pool that holds up to size keys (at least 1) and
// fills itself until ctx is done or Close is called.
func NewKeyPool(ctx context.Context, size int) *KeyPool {
	ctx, cancel := context.WithCancel(ctx)
	p := &KeyPool{keys: make(chan *rsa.PrivateKey, max(size, 1)), cancel: cancel}
	p.wg.Add(1)
	go p.fill(ctx)
	return p
}

// fill generates keys until ctx is done, blocking while the pool is full.
// A failure of the random source ends it; Get then generates keys itself
// and reports the failure.
func (p *KeyPool) fill(ctx context.Context) {
	defer p.wg.Done()
	for ctx.Err() == nil {
		k, err := generateKey()
		if err != nil {
			return
		}
		select {
		case p.keys <- k:
		case <-ctx.Done():
			return
		}
	}
}

// Get returns a pregenerated key, each at most once, or generates one when
// the pool is empty; it never waits for the background goroutine.
func (p *KeyPool) Get() (*rsa.PrivateKey, error) {
	select {
	case k := <-p.keys:
		return k, nil
	default:
		return generateKey()
	}
}

// Len is how many keys are ready now.
func (p *KeyPool) Len() int { return len(p.keys) }

// Close stops the background goroutine and waits for it, which may take
// as long as one key generation. It is idempotent. Get works afterwards,
// from the keys left and then by generating.
func (p *KeyPool) Close() error {
	if p.closed.CompareAndSwap(false, true) {
		p.cancel()
		p.wg.Wait()
	}
	return nil
}
