package shadow

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hob-iot/hob/internal/store/sqlite"
)

// countingPublisher counts replies; the benchmark's broker stand-in.
type countingPublisher struct{ n atomic.Int64 }

func (c *countingPublisher) Publish(context.Context, string, []byte, byte) error {
	c.n.Add(1)
	return nil
}

// BenchmarkService_UpdateDurable measures durable updates per second on
// SQLite with group commit: parallel callers, each updating its own
// shadow among 1,000, through the service's worker pool, as MQTT devices
// do (Update waits for the commit and the published replies).
func BenchmarkService_UpdateDurable(b *testing.B) {
	st, err := sqlite.Open(b.TempDir() + "/hob.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := New(st, &countingPublisher{}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var next atomic.Int64
	b.SetParallelism(64) // many devices per core, as on a broker
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		thing := fmt.Sprintf("dev-%d", next.Add(1)%1000)
		i := 0
		for pb.Next() {
			i++
			body := fmt.Appendf(nil, `{"state":{"reported":{"temp":%d,"ok":true}},"clientToken":"t%d"}`, i, i)
			if _, err := s.Update(context.Background(), thing, "", body); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}
