package engine

import (
	"errors"
	"slices"
	"testing"
)

var testMigrations = []Migration{
	{Version: 1, Name: "one", SQL: "1"},
	{Version: 2, Name: "two", SQL: "2"},
	{Version: 3, Name: "three", SQL: "3"},
}

func TestApply_RunsPendingInOrder(t *testing.T) {
	var ran []int
	err := Apply(testMigrations, 1, func(m Migration) error {
		ran = append(ran, m.Version)
		return nil
	})
	if err != nil || !slices.Equal(ran, []int{2, 3}) {
		t.Errorf("Apply from 1 ran %v, %v; want [2 3], nil", ran, err)
	}
}

func TestApply_SchemaTooNew(t *testing.T) {
	err := Apply(testMigrations, 4, func(Migration) error { return nil })
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Apply from 4 of 3 = %v, want ErrSchemaTooNew", err)
	}
}

func TestApply_StopsAtFirstError(t *testing.T) {
	boom := errors.New("boom")
	var ran []int
	err := Apply(testMigrations, 0, func(m Migration) error {
		ran = append(ran, m.Version)
		if m.Version == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || err.Error() != "migration 2 (two): boom" || !slices.Equal(ran, []int{1, 2}) {
		t.Errorf("Apply = %v after %v; want migration 2 (two): boom after [1 2]", err, ran)
	}
}
