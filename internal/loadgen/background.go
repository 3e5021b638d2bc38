package loadgen

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// pinger keeps idle connections alive: once a second it sends PINGREQ on
// each connection that wrote nothing for half its keep-alive. One
// goroutine serves every connection.
func (r *run) pinger(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, c := range r.connections() {
				c.pingIfIdle(now)
			}
		}
	}
}

// progress hands Config.Progress a line once a second.
func (r *run) progress(ctx context.Context) {
	if r.cfg.Progress == nil {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	begin := time.Now()
	var lastSent, lastRecv uint64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			sent, recv := sum(r.sentBy()), r.received()
			r.cfg.Progress(r.progressLine(now.Sub(begin), sent-lastSent, recv-lastRecv, sent, recv))
			lastSent, lastRecv = sent, recv
		}
	}
}

// progressLine formats one second of the run.
func (r *run) progressLine(elapsed time.Duration, dSent, dRecv, sent, recv uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%4.0fs] %-10s conns %d/%d", elapsed.Seconds(), phaseName(r.phase.Load()),
		r.connected.Load(), r.topo.connections())
	if n := r.connectFailed.Load(); n > 0 {
		fmt.Fprintf(&b, " (%d failed)", n)
	}
	if len(r.pubs) > 0 {
		fmt.Fprintf(&b, "  sent %s/s (%s)", count(dSent), count(sent))
	}
	if len(r.subs) > 0 {
		fmt.Fprintf(&b, "  recv %s/s (%s)", count(dRecv), count(recv))
	}
	if r.cfg.BrokerPID > 0 {
		if m, err := readProc(r.cfg.BrokerPID); err == nil {
			fmt.Fprintf(&b, "  broker rss %s", kib(m.RSS))
		}
	}
	if n := r.errs.count(); n > 0 {
		fmt.Fprintf(&b, "  errors %d", n)
	}
	return b.String()
}

func phaseName(p int32) string {
	switch p {
	case phaseConnecting:
		return "connecting"
	case phaseRunning:
		return "running"
	}
	return "draining"
}

func sum(xs []uint64) uint64 {
	var n uint64
	for _, x := range xs {
		n += x
	}
	return n
}
