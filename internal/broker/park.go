package broker

import (
	"crypto/tls"
	"errors"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Parking. Most IoT clients are idle most of the time, and a goroutine
// blocked in a TLS read keeps a grown stack (about 8 KiB) and a read
// buffer. So a connection accepted by Serve that has sent nothing for
// Config.IdleAfter parks: its reader returns its buffer to a pool and
// exits, its socket is watched by the poller (one epoll set for all
// parked connections), and a timer stands in for the keep-alive read
// deadline. Whichever comes first resumes it on a new goroutine: bytes
// from the client (or its hang-up), the keep-alive running out (then the
// connection ends as on a read timeout), or a kick (shutdown, takeover,
// overflow...). The writer is on demand too (outbox.spawn): it exits when
// the idle scan finds it idle, and the next push starts one.
//
// Interrupting a blocked read. The reader can only park at a packet
// boundary with nothing buffered, and only it may decide so. It announces
// such a wait (readerAtBoundary) before blocking in Peek; the idle scan,
// finding the reader there and no packet read for two ticks, swaps the
// state to readerParkAsked and moves the read deadline to the past, both
// under parkState.mu. The Peek then fails with a timeout (crypto/tls
// keeps no error for timeouts, so the connection stays usable), and the
// reader parks. If bytes arrived instead, the reader takes parkState.mu,
// so the scan has finished moving the deadline, and puts it back.

// Reader states, parkState.reader.
const (
	readerBusy       int32 = iota // reading a packet or acting on one
	readerAtBoundary              // blocked waiting for a packet's first byte
	readerParkAsked               // the idle scan moved the deadline to the past
)

// Park states, parkState.state.
const (
	running int32 = iota // a reader goroutine owns the connection
	parked               // no reader goroutine: the poller or a timer resumes it
)

// parkState is a connection's parking bookkeeping.
type parkState struct {
	raw    syscall.RawConn // the socket, for the poller; nil: never parks
	reader atomic.Int32    // readerBusy, readerAtBoundary or readerParkAsked
	state  atomic.Int32    // running or parked
	reads  atomic.Uint32   // packets read: the idle scan watches it
	mu     sync.Mutex      // orders the scan's deadline move with the reader's restore

	// Kept by the idle scan alone.
	seenReads uint32
	idleTicks uint8
	seenTakes uint64

	// Kept by whichever goroutine owns the reader.
	deadline time.Time   // the keep-alive read deadline (zero: none)
	timer    *time.Timer // the keep-alive while parked
	expire   func()      // timer's callback, made once

	// Kept by the poller under its lock.
	id    uint64 // poller key, 0 until first parked
	added bool   // the socket is in the poller's epoll set
}

// causeParked is readLoop's answer when the reader parked: the
// connection lives on without a goroutine.
var causeParked = &cause{}

// aLongTimeAgo is a read deadline in the past: it fails a blocked read at
// once.
var aLongTimeAgo = time.Unix(1, 0)

// rawConnOf returns nc's socket for the poller, or nil when nc has none
// (in-memory pipes, WebSocket adapters).
func rawConnOf(nc net.Conn) syscall.RawConn {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// setReadDeadline moves the keep-alive read deadline and remembers it,
// so that a parked connection's timer and an interrupted read can
// restore it.
func (c *conn) setReadDeadline(t time.Time) {
	c.park.deadline = t
	_ = c.nc.SetReadDeadline(t)
}

// waitForPacket blocks until the client's next packet begins, when
// nothing is buffered. It returns causeParked when the idle scan asked
// the reader to park and it did, another cause when the connection must
// end, and nil when a packet begins.
func (c *conn) waitForPacket() *cause {
	p := &c.park
	p.reader.Store(readerAtBoundary)
	_, err := c.br.Peek(1)
	if p.reader.CompareAndSwap(readerAtBoundary, readerBusy) {
		if err != nil {
			return c.countRead(causeRead(err))
		}
		return nil
	}
	p.mu.Lock() // the scan has moved the deadline to the past
	p.reader.Store(readerBusy)
	p.mu.Unlock()
	timeout := errors.Is(err, os.ErrDeadlineExceeded)
	if timeout && (p.deadline.IsZero() || time.Now().Before(p.deadline)) && c.br.Buffered() == 0 {
		c.parkReader()
		return causeParked
	}
	_ = c.nc.SetReadDeadline(p.deadline)
	if err != nil && !timeout {
		return c.countRead(causeRead(err))
	}
	return nil // a timeout past the keep-alive deadline fails the next read again
}

// parkReader gives up the reader goroutine (its caller returns
// causeParked at once and must not touch the connection after). The
// poller, the keep-alive timer or a kick resumes the connection.
func (c *conn) parkReader() {
	p := &c.park
	c.dropReader()
	p.state.Store(parked)
	c.srv.reclaim.parks.Add(1)
	if !p.deadline.IsZero() {
		if p.timer == nil {
			p.expire = func() { c.unpark(causeKeepAlive) }
			p.timer = time.AfterFunc(time.Until(p.deadline), p.expire)
		} else {
			p.timer.Reset(time.Until(p.deadline))
		}
	}
	if err := c.srv.poller.watch(c); err != nil {
		c.srv.log.Debug("broker: cannot park; resuming", "client", c.clientID, "err", err)
		c.unpark(nil)
		return
	}
	// A kick that came before parked was stored could not unpark: look.
	if c.finalCause() != nil {
		c.unpark(nil)
	}
}

// unpark resumes a parked connection on a new goroutine: reading again,
// or, with cs, ending for cs. It does nothing unless the connection is
// parked, so of concurrent callers one wins.
func (c *conn) unpark(cs *cause) {
	p := &c.park
	if !p.state.CompareAndSwap(parked, running) {
		return
	}
	c.srv.poller.forget(c)
	if cs != nil {
		go c.finish(c.countRead(cs))
		return
	}
	go c.resume()
}

// resume is a parked connection's new reader goroutine.
func (c *conn) resume() {
	p := &c.park
	if p.timer != nil {
		p.timer.Stop()
	}
	c.takeReader()
	_ = c.nc.SetReadDeadline(p.deadline)
	c.run(c.readLoop())
}

// idleScan runs on the poller's goroutine every tick: it asks readers
// that have read nothing for two ticks to park, and writers that have
// written nothing since the last tick to exit; then it lets the
// reclaimer look at the parks.
func (s *Server) idleScan() {
	s.mu.Lock()
	for c := range s.conns {
		c.out.retireIfIdle(&c.park.seenTakes)
		c.askToPark()
	}
	s.mu.Unlock()
	s.reclaim.look(time.Now())
}

// reclaimer returns memory to the OS once connections have parked in
// numbers: each TLS handshake leaves tens of kilobytes of garbage, and
// the Go runtime would otherwise keep the heap that a connection storm
// grew until much later. It runs after at least reclaimBurst parks since
// its last run: at once when a tick saw no park (the storm settled), at
// least reclaimGap after its last run, or, in a fleet that never settles
// (keep-alive pings unpark connections all the time), every reclaimEvery.
// It runs on a goroutine of its own.
type reclaimer struct {
	parks   atomic.Int64 // every park
	mark    int64        // parks at the last reclaim; poller goroutine only
	last    int64        // parks at the previous tick; poller goroutine only
	lastRun time.Time    // poller goroutine only
	running atomic.Bool
}

const (
	reclaimBurst = 500
	reclaimGap   = 10 * time.Second
	reclaimEvery = 30 * time.Second
)

func (r *reclaimer) look(now time.Time) {
	n := r.parks.Load()
	settled := n == r.last
	r.last = n
	since := now.Sub(r.lastRun)
	due := n-r.mark >= reclaimBurst && (settled && since >= reclaimGap || since >= reclaimEvery)
	if !due || !r.running.CompareAndSwap(false, true) {
		return
	}
	r.mark, r.lastRun = n, now
	go func() {
		defer r.running.Store(false)
		debug.FreeOSMemory()
	}()
}

// askToPark is idleScan's look at one connection's reader.
func (c *conn) askToPark() {
	p := &c.park
	if p.raw == nil || p.state.Load() != running {
		return
	}
	if n := p.reads.Load(); n != p.seenReads {
		p.seenReads, p.idleTicks = n, 0
		return
	}
	if p.idleTicks < 2 {
		p.idleTicks++
		return
	}
	p.mu.Lock()
	if p.reader.CompareAndSwap(readerAtBoundary, readerParkAsked) {
		_ = c.nc.SetReadDeadline(aLongTimeAgo)
	}
	p.mu.Unlock()
}
