package api_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/testutil"
)

// BenchmarkCreateThing measures CreateThing through the whole HTTPS API:
// TLS, SigV4 verification, routing, validation and a durable store write,
// with 32 concurrent aws-sdk-go-v2 clients. It reports things/s.
func BenchmarkCreateThing(b *testing.B) {
	for _, st := range []struct {
		name string
		opts []testutil.Option
	}{{"sqlite", nil}, {"postgres", []testutil.Option{testutil.WithPostgres()}}} {
		b.Run(st.name, func(b *testing.B) {
			srv := testutil.StartServer(b, st.opts...)
			client := srv.IoT(b)
			var n atomic.Int64
			b.SetParallelism(16) // 16 × GOMAXPROCS(2) = 32 clients
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					name := fmt.Sprintf("bench-%d", n.Add(1))
					if _, err := client.CreateThing(context.Background(), &iot.CreateThingInput{ThingName: aws.String(name)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "things/s")
		})
	}
}
