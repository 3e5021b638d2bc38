package postgres_test

import (
	"fmt"
	"testing"

	"github.com/hob-iot/hob/internal/store/postgres"
	"github.com/hob-iot/hob/internal/store/storetest"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// BenchmarkStore_Update measures durable single-record Updates (fsync and
// synchronous_commit on) over the unix socket, with one pool connection per
// writer.
func BenchmarkStore_Update(b *testing.B) {
	for _, writers := range []int{1, 32} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := mustOpen(b, pgtest.Start(b), postgres.Options{MaxConns: int32(writers)})
			storetest.BenchUpdate(b, s, writers)
		})
	}
}
