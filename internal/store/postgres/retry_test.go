package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/postgres"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
	"github.com/jackc/pgx/v5/pgconn"
)

// openWithK opens a store with o on a fresh database and puts t/k = "v",
// the record conflictingUpdate fights over.
func openWithK(t *testing.T, o postgres.Options) *postgres.Store {
	t.Helper()
	s := mustOpen(t, pgtest.Start(t), o)
	if err := s.Update(context.Background(), func(tx store.Tx) error {
		_, err := tx.Put("t", "k", []byte("v"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// conflictingUpdate runs an Update that reads k, lets another Update change
// k and commit, then writes k: a serialization failure on its first run.
// It returns how many times fn ran and Update's error.
func conflictingUpdate(t *testing.T, s store.Store) (int, error) {
	t.Helper()
	runs := 0
	err := s.Update(context.Background(), func(tx store.Tx) error {
		runs++
		rec, err := tx.Get("t", "k")
		if err != nil {
			return err
		}
		if runs == 1 {
			if err := s.Update(context.Background(), func(tx2 store.Tx) error {
				_, err := tx2.Put("t", "k", []byte("other"))
				return err
			}); err != nil {
				t.Fatalf("interfering Update: %v", err)
			}
		}
		_, err = tx.Put("t", "k", append(rec.Value, '+'))
		return err
	})
	return runs, err
}

func TestStore_Update_RetriesSerializationFailure(t *testing.T) {
	s := openWithK(t, postgres.Options{})
	runs, err := conflictingUpdate(t, s)
	if err != nil || runs != 2 {
		t.Fatalf("Update = %v after %d runs of fn, want success on the 2nd", err, runs)
	}
	err = s.View(context.Background(), func(tx store.ReadTx) error {
		rec, err := tx.Get("t", "k")
		if string(rec.Value) != "other+" || rec.Version != 3 {
			t.Errorf("k = %q v%d, want %q v3 (the retry saw the interfering write)", rec.Value, rec.Version, "other+")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStore_Update_GivesUpAfterMaxAttempts(t *testing.T) {
	s := openWithK(t, postgres.Options{MaxAttempts: 1})
	runs, err := conflictingUpdate(t, s)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "40001" || runs != 1 {
		t.Errorf("Update = %v after %d runs, want a 40001 error after 1", err, runs)
	}
}
