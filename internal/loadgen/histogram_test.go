package loadgen

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogram_Percentile_Table(t *testing.T) {
	cases := []struct {
		name   string
		values []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", []time.Duration{5}, 99.9, 5},
		{"exact below 128ns", []time.Duration{1, 2, 3, 4, 100}, 50, 3},
		{"p100 is max", []time.Duration{1, 2, 3, 1000}, 100, 1000},
		{"p0 is min", []time.Duration{7, 9, 1000}, 0, 7},
		{"negative counts as zero", []time.Duration{-5, 10}, 50, 0},
		// 1,000,000 ns lies in a bucket 2^13 ns wide (msb 19, 6 sub-bits):
		// [999,424, 1,007,615]; the percentile is its top, capped at max.
		{"bucket top, capped by max", []time.Duration{time.Millisecond}, 50, time.Millisecond},
		{"bucket top", []time.Duration{time.Millisecond, time.Second}, 50, 1_007_615},
		{"beyond the range lands in the last bucket", []time.Duration{1, 1000 * time.Second}, 100, 1000 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Histogram
			for _, v := range c.values {
				h.Record(v)
			}
			if got := h.Percentile(c.q); got != c.want {
				t.Errorf("Percentile(%g) = %d, want %d", c.q, got, c.want)
			}
		})
	}
}

// TestHistogram_Buckets checks that every bucket's bounds are its own:
// bucketOf(bucketHigh(i)) == i and bucketOf(bucketHigh(i)+1) == i+1.
func TestHistogram_Buckets(t *testing.T) {
	for i := 0; i < bucketCount-1; i++ {
		hi := bucketHigh(i)
		if bucketOf(hi) != i || bucketOf(hi+1) != i+1 {
			t.Fatalf("bucket %d: high %d is in %d, high+1 in %d", i, hi, bucketOf(hi), bucketOf(hi+1))
		}
	}
}

// TestHistogram_Precision compares percentiles with exact ones over
// random latencies: the error is at most one bucket, 1/64 of the value.
func TestHistogram_Precision(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	vals := make([]time.Duration, 100_000)
	for i := range vals {
		vals[i] = time.Duration(rng.ExpFloat64() * float64(300*time.Microsecond))
		h.Record(vals[i])
	}
	slices.Sort(vals)
	for _, q := range []float64{50, 90, 99, 99.9} {
		exact := vals[int(q/100*float64(len(vals)))-1]
		got := h.Percentile(q)
		if got < exact || float64(got-exact) > float64(exact)/64+1 {
			t.Errorf("p%g = %v, exact %v", q, got, exact)
		}
	}
	if h.Max() != vals[len(vals)-1] || h.Min() != vals[0] || h.Count() != uint64(len(vals)) {
		t.Errorf("min %v max %v count %d", h.Min(), h.Max(), h.Count())
	}
}

func TestHistogram_Merge(t *testing.T) {
	var a, b, all Histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * time.Microsecond
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
		all.Record(d)
	}
	var empty Histogram
	a.Merge(&b)
	a.Merge(&empty)
	if a != all {
		t.Errorf("merged: count %d min %v max %v mean %v; want %d %v %v %v",
			a.Count(), a.Min(), a.Max(), a.Mean(), all.Count(), all.Min(), all.Max(), all.Mean())
	}
	empty.Merge(&all)
	if empty.Min() != time.Microsecond {
		t.Errorf("merge into empty: min %v", empty.Min())
	}
}

func TestHistogram_Record_NoAlloc(t *testing.T) {
	var h Histogram
	if n := testing.AllocsPerRun(100, func() { h.Record(123456) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}
