package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// kvTimeout bounds Claim, Release, Owner and LastAlive, and the creation
// of Replay's consumer, when their ctx has no earlier deadline.
const kvTimeout = 30 * time.Second

// retryKV runs op in attempts of attemptTimeout each, again after a
// transient failure, until it succeeds, fails for good, or ctx ends.
// JetStream stalls for seconds while a stream elects a new leader (a node
// died) and answers nothing: a short attempt and a retry ride that out.
// Retrying a compare-and-swap whose answer was lost is safe: the retry
// reports a conflict, and the caller reads the entry again.
func retryKV[T any](ctx context.Context, op func(context.Context) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		v, err := op(actx)
		cancel()
		if err == nil || !transient(ctx, err) {
			return v, err
		}
		if werr := wait(ctx, backoff(attempt)); werr != nil {
			return v, fmt.Errorf("%w after %d attempts (last: %v)", werr, attempt, err)
		}
	}
}

// transient reports whether err, from an attempt within ctx, may pass
// when tried again: a timeout of the attempt (not of ctx), nobody
// answering, the connection reconnecting, JetStream unavailable (503).
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var apiErr *jetstream.APIError
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrConnectionReconnecting) ||
		errors.As(err, &apiErr) && apiErr.Code == 503
}

// withKVTimeout bounds ctx by kvTimeout unless it ends sooner.
func withKVTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) < kvTimeout {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, kvTimeout)
}

// kvGet reads key from bucket kv.
func kvGet(ctx context.Context, kv jetstream.KeyValue, key string) (jetstream.KeyValueEntry, error) {
	return retryKV(ctx, func(ctx context.Context) (jetstream.KeyValueEntry, error) { return kv.Get(ctx, key) })
}

// kvCreate creates key with value in bucket kv.
func kvCreate(ctx context.Context, kv jetstream.KeyValue, key string, value []byte) error {
	_, err := retryKV(ctx, func(ctx context.Context) (uint64, error) { return kv.Create(ctx, key, value) })
	return err
}

// kvUpdate sets key to value in bucket kv if its revision is still rev.
func kvUpdate(ctx context.Context, kv jetstream.KeyValue, key string, value []byte, rev uint64) error {
	_, err := retryKV(ctx, func(ctx context.Context) (uint64, error) { return kv.Update(ctx, key, value, rev) })
	return err
}

// kvPut sets key to value in bucket kv.
func kvPut(ctx context.Context, kv jetstream.KeyValue, key string, value []byte) error {
	_, err := retryKV(ctx, func(ctx context.Context) (uint64, error) { return kv.Put(ctx, key, value) })
	return err
}

// kvDelete deletes key from bucket kv if its revision is still rev.
func kvDelete(ctx context.Context, kv jetstream.KeyValue, key string, rev uint64) error {
	_, err := retryKV(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, kv.Delete(ctx, key, jetstream.LastRevision(rev))
	})
	return err
}
