package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// connectWorkers bounds the connection attempts in flight at once.
const connectWorkers = 64

// connectAll opens the subscribers, then the publishers, then conn mode's
// idle connections. A subscriber or publisher that fails ends the run;
// an idle connection that fails is counted and the rest go on.
func (r *run) connectAll(ctx context.Context) error {
	if err := r.openAll(ctx, len(r.subs), r.openSubscriber, false); err != nil {
		return err
	}
	if err := r.openAll(ctx, len(r.pubs), r.openPublisher, false); err != nil {
		return err
	}
	if err := r.openAll(ctx, r.topo.idle, r.openIdle, true); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// openAll calls open for 0..n-1 from a few workers, starting the i-th
// attempt no earlier than i/ConnectRate seconds after the first. Unless
// tolerate is set, the first failure stops the rest and is returned.
func (r *run) openAll(parent context.Context, n int, open func(context.Context, int) error, tolerate bool) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	start := time.Now()
	for range min(n, connectWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if !r.waitTurn(ctx, start, i) {
					return
				}
				if err := r.openOne(ctx, i, open); err != nil && !tolerate {
					errOnce.Do(func() { firstErr = err })
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return parent.Err()
}

// waitTurn sleeps until attempt i's slot under ConnectRate; false when
// ctx ended first.
func (r *run) waitTurn(ctx context.Context, start time.Time, i int) bool {
	if r.cfg.ConnectRate <= 0 {
		return true
	}
	at := start.Add(time.Duration(float64(i) / r.cfg.ConnectRate * float64(time.Second)))
	d := time.Until(at)
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// openOne makes attempt i and counts it.
func (r *run) openOne(ctx context.Context, i int, open func(context.Context, int) error) error {
	t := time.Now()
	if err := open(ctx, i); err != nil {
		if ctx.Err() == nil {
			r.connectFailed.Add(1)
			r.errs.add(err)
		}
		return err
	}
	r.connected.Add(1)
	r.connectMu.Lock()
	r.connectHist.Record(time.Since(t))
	r.connectMu.Unlock()
	return nil
}

// openSubscriber connects subscriber i and subscribes it.
func (r *run) openSubscriber(ctx context.Context, i int) error {
	c, err := r.d.dial(ctx, r.clientID('s', i), bigReadBuffer)
	if err != nil {
		return err
	}
	if err := c.subscribe(ctx, r.topo.subFilters[i], packet.QoS(r.cfg.QoS)); err != nil {
		c.abort()
		return err
	}
	s := &subscriber{c: c, filter: r.topo.subFilters[i], shard: r.shards[i%len(r.shards)]}
	r.mu.Lock()
	r.subs[i] = s
	r.mu.Unlock()
	r.addConn(c, s)
	return nil
}

// openPublisher connects publisher i.
func (r *run) openPublisher(ctx context.Context, i int) error {
	c, err := r.d.dial(ctx, r.clientID('p', i), smallReadBuffer)
	if err != nil {
		return err
	}
	if err := c.setSendBuffer(r.cfg.SendBuffer); err != nil {
		c.abort()
		return err
	}
	p, err := newPublisher(c, i, r.topo.pubTopics[i], packet.QoS(r.cfg.QoS), r.cfg.Size, r.cfg.Inflight, r.interval())
	if err != nil {
		c.abort()
		return err
	}
	r.mu.Lock()
	r.pubs[i] = p
	r.mu.Unlock()
	r.addConn(c, p)
	return nil
}

// openIdle connects one of conn mode's idle connections.
func (r *run) openIdle(ctx context.Context, i int) error {
	c, err := r.d.dial(ctx, r.clientID('c', i), smallReadBuffer)
	if err != nil {
		return err
	}
	r.addConn(c, idleReceiver{})
	return nil
}

// interval returns the time between one publisher's messages: from the
// total rate shared by all publishers, or the per-publisher rate; 0 to
// flood.
func (r *run) interval() time.Duration {
	rate := r.cfg.PubRate
	if r.cfg.Rate > 0 {
		rate = r.cfg.Rate / float64(len(r.pubs))
	}
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / rate)
}
