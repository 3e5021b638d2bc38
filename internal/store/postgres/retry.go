package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Backoff between attempts of an Update: a random wait up to
// min(backoffMax, backoffBase << attempt), so that transactions that
// collided spread out.
const (
	backoffBase = time.Millisecond
	backoffMax  = 250 * time.Millisecond
)

// SQLSTATEs after which a transaction may succeed when run again.
const (
	sqlstateSerializationFailure = "40001"
	sqlstateDeadlockDetected     = "40P01"
)

// retryable reports whether err says the transaction failed to serialize.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == sqlstateSerializationFailure || pgErr.Code == sqlstateDeadlockDetected
}

// retry calls attempt until it reports no retry, at most s.maxAttempts
// times, backing off between calls.
func (s *Store) retry(ctx context.Context, attempt func() (retry bool, err error)) error {
	var last error
	for n := range s.maxAttempts {
		if n > 0 {
			if err := backoff(ctx, n); err != nil {
				return err
			}
		}
		again, err := attempt()
		if !again {
			return err
		}
		last = err
	}
	return fmt.Errorf("postgres: update: gave up after %d attempts: %w", s.maxAttempts, last)
}

// backoff waits before attempt n (n ≥ 1), or until ctx is done.
func backoff(ctx context.Context, n int) error {
	ceiling := backoffMax
	if n < 16 && backoffBase<<n < backoffMax {
		ceiling = backoffBase << n
	}
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
