package topic

import (
	"fmt"
	"strconv"
	"testing"
)

// benchValue is a realistic per-subscription value: MQTT 5 options and a
// subscription identifier.
type benchValue struct {
	qos, flags uint8
	subID      uint32
}

// benchFilter returns the i-th of n filters: device i/10's subscription
// number i%10. Most are a device's own topics, exact or with wildcards;
// fleet and sensor filters fan out (n/1000 and n/10000 subscribers each);
// shared job groups have n/2000 members each.
func benchFilter(i int) string {
	d := strconv.Itoa(i / 10)
	switch i % 10 {
	case 0:
		return "dev/" + d + "/cmd"
	case 1:
		return "dev/" + d + "/shadow/+"
	case 2:
		return "$aws/things/t" + d + "/shadow/update/#"
	case 3:
		return "$aws/things/t" + d + "/shadow/get/+"
	case 4:
		return "fleet/" + strconv.Itoa(i/10%100) + "/+/status"
	case 5:
		return "sensor/" + strconv.Itoa(i/10%1000) + "/#"
	case 6:
		return "$share/workers" + strconv.Itoa(i/10%200) + "/jobs/+/" + strconv.Itoa(i/10%5)
	case 7:
		return "dev/" + d + "/ota/#"
	case 8:
		return "+/" + d + "/config"
	default:
		return "dev/" + d + "/+/ack"
	}
}

// benchNames returns topics of the shapes above, for devices spread over
// the n/10 there are, and one that only the monitor's `#` matches.
func benchNames(n int) []string {
	names := make([]string, 0, 1024)
	for j := range 1024 {
		m := (j * 7919) % (n / 10)
		d := strconv.Itoa(m)
		names = append(names, []string{
			"dev/" + d + "/cmd",
			"dev/" + d + "/shadow/delta",
			"$aws/things/t" + d + "/shadow/update/accepted",
			"fleet/" + strconv.Itoa(m%100) + "/dev" + d + "/status",
			"sensor/" + strconv.Itoa(m%1000) + "/temp",
			"jobs/x/" + strconv.Itoa(m%5),
			"nomatch/" + d,
		}[j%7])
	}
	return names
}

func benchIndex(b *testing.B, n int) *Index[int, benchValue] {
	ix := NewIndex[int, benchValue](AWS)
	for i := range n {
		mustSubscribe(b, ix, benchFilter(i), i, benchValue{qos: 1, subID: uint32(i)})
	}
	mustSubscribe(b, ix, "#", -1, benchValue{})       // a monitor sees everything
	mustSubscribe(b, ix, "+/+/cmd", -2, benchValue{}) // and one wildcard shape
	mustSubscribe(b, ix, "fleet/#", -3, benchValue{}) // and one subtree
	return ix
}

// BenchmarkIndex_AppendMatches_FanOut is one topic with 10k subscribers:
// the cost per subscriber of copying the hits.
func BenchmarkIndex_AppendMatches_FanOut(b *testing.B) {
	ix := NewIndex[int, benchValue](AWS)
	for i := range 10_000 {
		mustSubscribe(b, ix, "fleet/broadcast", i, benchValue{qos: 1})
	}
	var buf []Hit[int, benchValue]
	b.ReportAllocs()
	for b.Loop() {
		buf = ix.AppendMatches(buf[:0], "fleet/broadcast")
	}
	if len(buf) != 10_000 {
		b.Fatalf("%d hits", len(buf))
	}
}

// BenchmarkIndex_AppendMatches is the router's lookup with a reused
// buffer: 0 allocs/op.
func BenchmarkIndex_AppendMatches(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("subs=%d", n), func(b *testing.B) {
			ix, names := benchIndex(b, n), benchNames(n)
			var buf []Hit[int, benchValue]
			hits, i := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				buf = ix.AppendMatches(buf[:0], names[i%len(names)])
				hits += len(buf)
				i++
			}
			b.ReportMetric(float64(hits)/float64(i), "hits/op")
		})
	}
}

// BenchmarkIndex_Match is the visitor form with its pooled buffer, plus a
// Pick per shared group as the broker does.
func BenchmarkIndex_Match(b *testing.B) {
	ix, names := benchIndex(b, 100_000), benchNames(100_000)
	delivered, i := 0, 0
	visit := func(h Hit[int, benchValue]) bool {
		if h.Group != nil {
			if _, ok := h.Group.Pick(nil); !ok {
				return true
			}
		}
		delivered++
		return true
	}
	b.ReportAllocs()
	for b.Loop() {
		ix.Match(names[i%len(names)], visit)
		i++
	}
	b.ReportMetric(float64(delivered)/float64(i), "deliveries/op")
}

// BenchmarkIndex_Match_Parallel runs lookups from every core at once.
func BenchmarkIndex_Match_Parallel(b *testing.B) {
	ix, names := benchIndex(b, 100_000), benchNames(100_000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var buf []Hit[int, benchValue]
		i := 0
		for pb.Next() {
			buf = ix.AppendMatches(buf[:0], names[i%len(names)])
			i++
		}
	})
}

// BenchmarkIndex_SubscribeUnsubscribe is connection churn on a 100k
// index: one Subscribe and one Unsubscribe per op, on a new client's
// exact topic and on a shared wildcard group.
func BenchmarkIndex_SubscribeUnsubscribe(b *testing.B) {
	ix := benchIndex(b, 100_000)
	filters := make([]string, 1024)
	for j := range filters {
		filters[j] = benchFilter(200_000 + j) // new nodes and existing groups
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		f := filters[i%len(filters)]
		if _, err := ix.Subscribe(f, 1_000_000+i, benchValue{}); err != nil {
			b.Fatal(err)
		}
		ix.Unsubscribe(f, 1_000_000+i)
		i++
	}
}

// BenchmarkIndex_MatchDuringChurn measures lookups while one goroutine
// subscribes and unsubscribes without pause, the worst case for the
// RWMutex. Its B/op and allocs/op are the writer goroutine's.
func BenchmarkIndex_MatchDuringChurn(b *testing.B) {
	ix, names := benchIndex(b, 100_000), benchNames(100_000)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			f := benchFilter(300_000 + i%1024)
			mustSubscribe(b, ix, f, -10, benchValue{})
			ix.Unsubscribe(f, -10)
		}
	}()
	var buf []Hit[int, benchValue]
	i := 0
	for b.Loop() {
		buf = ix.AppendMatches(buf[:0], names[i%len(names)])
		i++
	}
	close(stop)
	<-done
}

func BenchmarkValidateName(b *testing.B) {
	lim := DefaultLimits()
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateName("$aws/things/thing-0042/shadow/name/config/update", lim); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateFilter(b *testing.B) {
	lim := DefaultLimits()
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateFilter("$share/workers/fleet/+/dev/+/status/#", lim); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !Match("fleet/+/dev/+/status/#", "fleet/eu-west/dev/d42/status/battery/level") {
			b.Fatal("no match")
		}
	}
}
