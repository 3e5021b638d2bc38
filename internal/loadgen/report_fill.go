package loadgen

import "time"

// fill completes rep after every goroutine of the load has ended, so the
// publishers' and subscribers' own fields may be read.
func (r *run) fill(rep *Report) {
	rep.ErrorCount, rep.Errors = r.errs.snapshot()
	rep.Broker.settle(r.connected.Load())
	if r.cfg.Mode == ModeConn {
		return
	}
	m := &Messages{}
	r.fillSent(m)
	r.fillReceived(m)
	rep.Messages = m
}

// fillSent sums the publishers.
func (r *run) fillSent(m *Messages) {
	var acks Histogram
	for _, p := range r.pubs {
		m.Sent += p.sent.Load()
		m.Acked += p.acked.Load()
		m.AckFailures += p.failed.Load()
		m.StrayAcks += p.stray.Load()
		acks.Merge(&p.ackHist)
	}
	m.SentPerSecond = perSecond(m.Sent, r.stop.Sub(r.start))
	m.AckLatency = percentiles(&acks)
}

// fillReceived sums the subscribers and works out the losses.
func (r *run) fillReceived(m *Messages) {
	var t tally
	for _, s := range r.subs {
		m.Received += s.received.Load()
		t.add(&s.seq)
	}
	if len(r.subs) == 0 {
		return
	}
	var lat Histogram
	for _, sh := range r.shards {
		lat.Merge(&sh.h)
	}
	m.Latency = percentiles(&lat)
	if len(r.pubs) > 0 {
		m.Expected = r.topo.expected(r.sentBy())
	}
	m.Lost, m.Late, m.Foreign = t.lost(m.Expected), t.Late, t.Foreign
	if m.Expected > 0 {
		m.LossPercent = 100 * float64(m.Lost) / float64(m.Expected)
	}
	m.ReceivedWhilePublishing = r.recvAtStop
	m.RecvPerSecond = perSecond(r.recvAtStop, r.stop.Sub(r.start))
}

// settle turns the samples into the report's fields: before, with every
// connection open, and at the end of the load.
func (b *Broker) settle(conns int64) {
	if b == nil || len(b.samples) < 3 || b.Error != "" {
		return
	}
	s := b.samples
	b.Before, b.Connected, b.After, b.Peak = s[0].RSS, s[1].RSS, s[2].RSS, s[2].HWM
	if conns > 0 {
		b.PerConnKiB = float64(b.Connected-b.Before) / float64(conns)
		b.EndPerConnKiB = float64(b.After-b.Before) / float64(conns)
	}
	if wall := s[2].At.Sub(s[1].At); wall > 0 {
		b.CPUPercent = 100 * float64(s[2].CPU-s[1].CPU) / float64(wall)
	}
}

// loadCPU returns the broker's CPU time during the load, or -1 when
// unknown.
func (b *Broker) loadCPU() time.Duration {
	if b == nil || len(b.samples) < 3 || b.Error != "" {
		return -1
	}
	return b.samples[2].CPU - b.samples[1].CPU
}

func perSecond(n uint64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
