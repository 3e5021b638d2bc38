package broker

import (
	"errors"
	"sync"
	"syscall"
	"time"
)

// poller watches the sockets of parked connections with one epoll set
// (level-triggered, one-shot per park) and runs the idle scan every
// tick, all on one goroutine, which Close stops through a pipe. A
// socket stays in the set while its connection lives; closing the
// socket removes it. Events carry the connection's id, never its file
// descriptor, so an event for a connection that has already resumed or
// ended finds nothing and is ignored.
type poller struct {
	epfd   int
	wake   [2]int // pipe: Close writes to wake[1]
	tick   time.Duration
	scan   func()
	done   chan struct{}
	mu     sync.Mutex
	parked map[uint64]*conn // guarded by mu
	nextID uint64           // guarded by mu
}

// wakeID is the epoll key of the shutdown pipe; connection ids start at 1.
const wakeID = 0

func newPoller(tick time.Duration, scan func()) (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	p := &poller{epfd: epfd, tick: max(tick, time.Millisecond), scan: scan, done: make(chan struct{}),
		parked: map[uint64]*conn{}}
	if err := syscall.Pipe2(p.wake[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		_ = syscall.Close(epfd)
		return nil, err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN}
	setEventID(&ev, wakeID)
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.wake[0], &ev); err != nil {
		p.closeFDs()
		return nil, err
	}
	go p.run()
	return p, nil
}

func setEventID(ev *syscall.EpollEvent, id uint64) {
	ev.Fd, ev.Pad = int32(uint32(id)), int32(uint32(id>>32))
}

func eventID(ev *syscall.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// run waits for events and ticks until close.
func (p *poller) run() {
	defer close(p.done)
	events := make([]syscall.EpollEvent, 128)
	next := time.Now().Add(p.tick)
	for {
		wait := max(time.Until(next), 0)
		n, err := syscall.EpollWait(p.epfd, events, int((wait+time.Millisecond-1)/time.Millisecond))
		if err != nil && !errors.Is(err, syscall.EINTR) {
			return
		}
		for i := range max(n, 0) {
			id := eventID(&events[i])
			if id == wakeID {
				return
			}
			p.mu.Lock()
			c := p.parked[id]
			delete(p.parked, id)
			p.mu.Unlock()
			if c != nil {
				c.unpark(nil)
			}
		}
		if !time.Now().Before(next) {
			p.scan()
			next = time.Now().Add(p.tick)
		}
	}
}

// watch adds c's socket to the set, armed for one readiness event,
// unless c has been resumed meanwhile.
func (p *poller) watch(c *conn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.park.state.Load() != parked {
		return nil
	}
	if c.park.id == 0 {
		p.nextID++
		c.park.id = p.nextID
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT}
	setEventID(&ev, c.park.id)
	var err error
	cerr := c.park.raw.Control(func(fd uintptr) {
		op := syscall.EPOLL_CTL_ADD
		if c.park.added {
			op = syscall.EPOLL_CTL_MOD
		}
		err = syscall.EpollCtl(p.epfd, op, int(fd), &ev)
		if errors.Is(err, syscall.ENOENT) {
			err = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev)
		}
	})
	if cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	c.park.added = true
	p.parked[c.park.id] = c
	return nil
}

// forget drops c from the parked connections; its socket stays in the
// set, disarmed or armed for an event that will find nothing.
func (p *poller) forget(c *conn) {
	if p == nil {
		return
	}
	p.mu.Lock()
	delete(p.parked, c.park.id)
	p.mu.Unlock()
}

// count returns how many connections are parked now; 0 for a nil poller.
func (p *poller) count() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.parked)
}

// close stops the poller's goroutine and releases its descriptors. A nil
// poller does nothing.
func (p *poller) close() {
	if p == nil {
		return
	}
	_, _ = syscall.Write(p.wake[1], []byte{0})
	<-p.done
	p.closeFDs()
}

func (p *poller) closeFDs() {
	_ = syscall.Close(p.wake[0])
	_ = syscall.Close(p.wake[1])
	_ = syscall.Close(p.epfd)
}
