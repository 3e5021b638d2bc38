package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hob-iot/hob/internal/store/sqlite"
	"github.com/hob-iot/hob/internal/store/storetest"
)

// BenchmarkStore_Update measures durable single-record Updates with group
// commit (the default) and, as the baseline, with one transaction per
// Update (MaxBatch 1).
func BenchmarkStore_Update(b *testing.B) {
	modes := []struct {
		name string
		o    sqlite.Options
	}{{"group", sqlite.Options{}}, {"txPerWrite", sqlite.Options{MaxBatch: 1}}}
	for _, m := range modes {
		for _, writers := range []int{1, 32} {
			b.Run(fmt.Sprintf("mode=%s/writers=%d", m.name, writers), func(b *testing.B) {
				s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), m.o)
				storetest.BenchUpdate(b, s, writers)
			})
		}
	}
}
