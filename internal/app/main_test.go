package app_test

import (
	"testing"

	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// TestMain stops the throwaway PostgreSQL server that WithPostgres starts
// (the shadow benchmarks use it), and removes its folder, when the tests
// end.
func TestMain(m *testing.M) { pgtest.Main(m) }
