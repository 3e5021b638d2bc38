package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: each power of two is split
// into 2^subBits linear buckets, so a recorded value is known to within
// 1/2^subBits (1.6%) of itself.
const subBits = 6

// maxShift bounds the range: values up to 2^(maxShift+subBits+1) ns
// (about 275 s) have their own bucket; larger ones land in the last.
const maxShift = 31

const (
	subCount    = 1 << subBits
	bucketCount = (maxShift + 2) * subCount
)

// Histogram counts durations in log-linear buckets, as HDR histograms
// do: exact below 2^subBits ns, then 2^subBits buckets per power of two.
// Recording allocates nothing. A Histogram is not safe for concurrent
// use; give each goroutine its own, or guard it, and Merge at the end.
type Histogram struct {
	counts   [bucketCount]uint64
	n        uint64
	sum      float64
	min, max int64
}

// bucketOf returns the bucket of v, which must be non-negative.
func bucketOf(v int64) int {
	u := uint64(v)
	msb := bits.Len64(u) - 1
	if msb < subBits {
		return int(u)
	}
	shift := msb - subBits
	if shift > maxShift {
		return bucketCount - 1
	}
	return (shift+1)<<subBits + int(u>>uint(shift)) - subCount
}

// bucketHigh returns the largest value that falls in bucket i: what a
// percentile reports, so that it never understates a latency.
func bucketHigh(i int) int64 {
	if i < 2*subCount {
		return int64(i)
	}
	shift := i>>subBits - 1
	low := uint64(i&(subCount-1)+subCount) << uint(shift)
	return int64(low + 1<<uint(shift) - 1)
}

// Record adds one duration; negative durations (a clock that stepped
// back) count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.n }

// Max returns the largest recorded value exactly, 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Min returns the smallest recorded value exactly, 0 when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Mean returns the average of the recorded values, 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Percentile returns the value below or at which q percent (0 to 100) of
// the recorded values lie, as the upper bound of its bucket and never
// above Max; 0 when empty.
func (h *Histogram) Percentile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q / 100 * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank && i < bucketCount-1 { // the last bucket has no top
			return time.Duration(min(max(bucketHigh(i), h.min), h.max))
		}
	}
	return time.Duration(h.max)
}
