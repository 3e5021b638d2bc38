package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

// BenchUpdate measures durable Updates that each write one small record
// (a 100-byte value), spread over writers goroutines that each overwrite
// their own key, and reports the rate as writes/s.
func BenchUpdate(b *testing.B, s store.Store, writers int) {
	value := bytes.Repeat([]byte("v"), 100)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range writers {
		key := fmt.Sprintf("writer%03d", w)
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				err := s.Update(context.Background(), func(tx store.Tx) error {
					_, err := tx.Put("bench", key, value)
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
