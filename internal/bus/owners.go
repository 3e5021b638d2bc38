package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ownersBucket is the JetStream KV bucket of client-id owners: the key is
// ownerKey(client id), the value the owning run (runKey: node id "."
// boot id).
const ownersBucket = "hob_owners"

// JetStream timing at start: each attempt is short, because the first
// JetStream requests of a fresh cluster hang until its meta leader exists
// (spec scaleout.md §3.4), and a retry then succeeds at once.
const (
	attemptTimeout = 2 * time.Second
	backoffMin     = 50 * time.Millisecond
	backoffMax     = time.Second
)

// probeKey is read at start to learn that the bucket's stream answers.
const probeKey = "probe"

// ownerKey returns the KV key of a client id: hex SHA-256, since a client
// id may hold any character and KV keys may not.
func ownerKey(clientID string) string {
	sum := sha256.Sum256([]byte(clientID))
	return hex.EncodeToString(sum[:])
}

// openOwners creates the owners bucket, or opens it when another node
// created it, and waits until it answers; it retries until ctx ends.
func (n *Node) openOwners(ctx context.Context) error {
	kv, _, err := n.openBucket(ctx, jetstream.KeyValueConfig{
		Bucket:      ownersBucket,
		Description: "hob: which node owns each client id",
		Replicas:    n.cfg.replicas(),
		Storage:     jetstream.FileStorage,
	}, probeKey)
	n.kv = kv
	return err
}

// openBucket creates a KV bucket, or opens it when another node created
// it, and waits until it answers a read of key, whose entry it returns
// (nil when there is none). It retries until ctx ends.
func (n *Node) openBucket(ctx context.Context, cfg jetstream.KeyValueConfig, key string) (jetstream.KeyValue, jetstream.KeyValueEntry, error) {
	for attempt := 1; ; attempt++ {
		kv, e, err := n.tryOpenBucket(ctx, cfg, key)
		if err == nil {
			return kv, e, nil
		}
		n.log.Debug("bus: KV bucket not ready yet", "bucket", cfg.Bucket, "attempt", attempt, "err", err)
		if werr := wait(ctx, backoff(attempt)); werr != nil {
			return nil, nil, fmt.Errorf("KV bucket %s (%d replicas) not ready after %d attempts: %w (last: %v)",
				cfg.Bucket, cfg.Replicas, attempt, werr, err)
		}
	}
}

// tryOpenBucket makes one bounded attempt of openBucket.
func (n *Node) tryOpenBucket(ctx context.Context, cfg jetstream.KeyValueConfig, key string) (jetstream.KeyValue, jetstream.KeyValueEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	kv, err := n.js.CreateKeyValue(ctx, cfg)
	if errors.Is(err, jetstream.ErrBucketExists) {
		// Made by a node with other settings (e.g. Replicas): use it as is.
		n.log.Info("bus: using the existing KV bucket, whose settings differ", "bucket", cfg.Bucket, "err", err)
		kv, err = n.js.KeyValue(ctx, cfg.Bucket)
	}
	if err != nil {
		return nil, nil, err
	}
	e, err := kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return kv, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("the bucket does not answer yet: %w", err)
	}
	return kv, e, nil
}

// backoff returns the pause before attempt+1: doubling from backoffMin,
// at most backoffMax.
func backoff(attempt int) time.Duration {
	d := backoffMin
	for i := 1; i < attempt && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// wait pauses for d, or until ctx ends (then it returns ctx's error).
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
