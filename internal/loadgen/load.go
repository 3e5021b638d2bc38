package loadgen

import (
	"context"
	"sync"
	"time"
)

// quietPeriod is how long deliveries may pause before the drain decides
// that nothing more is coming.
const quietPeriod = time.Second

// load runs the publishers for the duration (conn and sub modes just
// hold), then waits for acknowledgements and deliveries to settle.
func (r *run) load(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Duration)
	defer cancel()
	r.start = time.Now()
	r.phase.Store(phaseRunning)
	if r.cfg.OnLoad != nil {
		r.cfg.OnLoad()
	}
	done := r.startPublishers(ctx)
	<-ctx.Done()
	r.stop = time.Now()
	r.recvAtStop = r.received()
	r.phase.Store(phaseDraining)
	r.waitPublishers(done)
	if len(r.pubs) > 0 && len(r.subs) > 0 {
		r.waitDeliveries()
	}
}

// startPublishers starts one goroutine per publisher; the channel closes
// when all have returned.
func (r *run) startPublishers(ctx context.Context) <-chan struct{} {
	var wg sync.WaitGroup
	for _, p := range r.pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.run(ctx, r.start, p.c.dead, r.cfg.Drain); err != nil {
				r.errs.add(err)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

// waitPublishers waits for the publishers to finish, which they do
// within Drain of the end unless a write is stuck on a broker that
// stopped reading; those connections are then cut.
func (r *run) waitPublishers(done <-chan struct{}) {
	t := time.NewTimer(r.cfg.Drain + time.Second)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	for _, p := range r.pubs {
		p.c.abort()
	}
	<-done
}

// waitDeliveries waits until subscribers have everything that was sent,
// or nothing arrived for quietPeriod, or Drain has passed since the end.
func (r *run) waitDeliveries() {
	deadline := r.stop.Add(r.cfg.Drain)
	expected := r.topo.expected(r.sentBy())
	last, lastChange := r.received(), time.Now()
	for now := time.Now(); now.Before(deadline); now = time.Now() {
		got := r.received()
		if got >= expected {
			return
		}
		if got != last {
			last, lastChange = got, now
		} else if now.Sub(lastChange) >= quietPeriod {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sentBy returns how many messages each publisher sent.
func (r *run) sentBy() []uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]uint64, len(r.pubs))
	for i, p := range r.pubs {
		if p != nil {
			out[i] = p.sent.Load()
		}
	}
	return out
}

// received returns how many messages the subscribers have received.
func (r *run) received() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n uint64
	for _, s := range r.subs {
		if s != nil {
			n += s.received.Load()
		}
	}
	return n
}
