package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

func TestStore_View_RefusesWrites(t *testing.T) {
	s := openTest(t, Options{})
	err := s.View(context.Background(), func(rt store.ReadTx) error {
		_, err := rt.(store.Tx).Put("t", "k", nil)
		return err
	})
	if !errors.Is(err, errReadOnly) {
		t.Errorf("Put through a View = %v, want errReadOnly", err)
	}
}
