package shadow

import (
	"context"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// sweepPage is how many records one sweep transaction reads.
const sweepPage = 256

// sweepInterval is how often expired tombstones are removed: hourly, or
// more often when the TTL is shorter.
func (s *Service) sweepInterval() time.Duration {
	return min(time.Hour, max(s.opts.DeletedVersionTTL/2, time.Second))
}

// sweep removes expired tombstones until Close. A tombstone that outlives
// its TTL between sweeps does no harm: updates treat it as absent
// (baseVersion).
func (s *Service) sweep() {
	defer s.sweeper.Done()
	t := time.NewTicker(s.sweepInterval())
	defer t.Stop()
	for {
		select {
		case <-s.sweepQuit:
			return
		case <-t.C:
			if err := s.SweepTombstones(context.Background()); err != nil {
				s.opts.Logger.Warn("shadow: sweep tombstones", "err", err)
			}
		}
	}
}

// SweepTombstones deletes the records of shadows deleted more than
// DeletedVersionTTL ago, so their names start again at version 1
// (spec §1.6). The service runs it periodically; it is exported for tests
// and operators.
func (s *Service) SweepTombstones(ctx context.Context) error {
	after := ""
	for {
		keys, last, err := s.expiredTombstones(ctx, after)
		if err != nil || last == "" {
			return err
		}
		for _, k := range keys {
			if err := s.deleteIfExpired(ctx, k); err != nil {
				return err
			}
		}
		after = last
	}
}

// expiredTombstones returns the expired tombstones among the sweepPage
// records after the key after, and the last key read ("" at the end).
func (s *Service) expiredTombstones(ctx context.Context, after string) (keys []string, last string, err error) {
	now := s.now()
	err = s.st.View(ctx, func(tx store.ReadTx) error {
		keys, last = nil, ""
		return tx.Scan(Table, store.Query{After: after, Limit: sweepPage}, func(rec store.Record) bool {
			last = rec.Key
			if d, err := decodeDocument(rec.Value); err == nil && s.expired(d, now) {
				keys = append(keys, rec.Key)
			}
			return true
		})
	})
	return keys, last, err
}

// expired reports whether d is a tombstone past the TTL at now.
func (s *Service) expired(d *Document, now int64) bool {
	return d.DeletedAt != 0 && now-d.DeletedAt >= s.rules.TombstoneTTL
}

// deleteIfExpired deletes the record at key if it is still an expired
// tombstone.
func (s *Service) deleteIfExpired(ctx context.Context, key string) error {
	now := s.now()
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(Table, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if d, err := decodeDocument(rec.Value); err != nil || !s.expired(d, now) {
			return nil
		}
		_, err = tx.Delete(Table, key)
		return err
	})
}
