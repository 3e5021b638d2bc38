package loadgen

// maxTrackedPublishers bounds the per-subscriber table of publishers: a
// stamp naming a higher index is counted as foreign rather than growing
// the table without limit.
const maxTrackedPublishers = 1 << 20

// stream follows the sequence numbers of one publisher as one subscriber
// sees them. MQTT keeps the order of one publisher's messages on one
// topic at one QoS [MQTT-4.6.0-5], so a number below the next expected
// one is a duplicate (or a reordering the broker should not make), and a
// jump forward is a gap: messages lost, unless they arrive late.
type stream struct {
	next uint64 // the sequence number expected next
	got  uint64 // messages that advanced the stream
	gaps uint64 // numbers skipped over
	late uint64 // messages at or below an earlier one: duplicates or reordered
}

// see accounts for one message with sequence number seq.
func (s *stream) see(seq uint64) {
	if seq < s.next {
		s.late++
		return
	}
	s.gaps += seq - s.next
	s.next = seq + 1
	s.got++
}

// sequences tracks every publisher one subscriber hears from. It is owned
// by the subscriber's reader goroutine.
type sequences struct {
	streams []stream
	foreign uint64 // messages without a stamp, or with an untracked index
}

// see accounts for one stamped message.
func (q *sequences) see(s stamp) {
	if s.pub >= maxTrackedPublishers {
		q.foreign++
		return
	}
	if int(s.pub) >= len(q.streams) {
		q.streams = append(q.streams, make([]stream, int(s.pub)+1-len(q.streams))...)
	}
	q.streams[s.pub].see(s.seq)
}

// tally is the sum of what subscribers saw of the publishers' sequences.
type tally struct {
	Unique  uint64 // messages that advanced a sequence: counted once each
	Gaps    uint64 // sequence numbers skipped (lost unless they came late)
	Late    uint64 // duplicates or out-of-order messages
	Foreign uint64 // messages not written by hob bench
}

// add sums q into t.
func (t *tally) add(q *sequences) {
	for i := range q.streams {
		s := &q.streams[i]
		t.Unique += s.got
		t.Gaps += s.gaps
		t.Late += s.late
	}
	t.Foreign += q.foreign
}

// lost returns how many of expected deliveries never came: expected minus
// the unique deliveries, never negative. With expected unknown (0), as in
// `sub` mode, the gaps are the best estimate.
func (t tally) lost(expected uint64) uint64 {
	if expected == 0 {
		return t.Gaps
	}
	if t.Unique >= expected {
		return 0
	}
	return expected - t.Unique
}
