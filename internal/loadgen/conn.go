package loadgen

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Read buffer sizes: subscribers read floods, the others little.
const (
	bigReadBuffer   = 64 << 10
	smallReadBuffer = 1 << 10
)

// conn is one MQTT connection of the load generator: the network
// connection, a packet reader that only its reader goroutine uses after
// the handshake, and a write lock that every writer (publisher,
// acknowledger, pinger) takes for one whole Write, so packets never
// interleave.
type conn struct {
	id  string
	nc  net.Conn
	v   packet.Version
	in  timedReader // under br: notes when bytes arrive
	br  *bufio.Reader
	rd  *packet.Reader
	max int // the broker's Maximum Packet Size (5.0); 0 = no limit

	// receiveMax is the broker's Receive Maximum (5.0 §3.2.2.3.3): how
	// many QoS 1 PUBLISHes it accepts unacknowledged; 65535 in 3.1.1.
	receiveMax int
	// keepAlive is the keep-alive in force (the broker's Server Keep
	// Alive overrides ours in 5.0).
	keepAlive time.Duration

	wmu       sync.Mutex    // guards writes to nc
	lastWrite atomic.Int64  // Unix ns of the last write, for the pinger
	closing   atomic.Bool   // set before we close nc on purpose
	dead      chan struct{} // closed when the reader goroutine ends
}

// write sends b in one Write under the write lock.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(b)
}

// writeLocked sends b; the caller holds wmu.
func (c *conn) writeLocked(b []byte) error {
	if _, err := c.nc.Write(b); err != nil {
		return fmt.Errorf("%s: write: %w", c.id, err)
	}
	c.lastWrite.Store(time.Now().UnixNano())
	return nil
}

// pingIfIdle sends a PINGREQ when nothing was written for half the
// keep-alive, unless another writer holds the lock (and so is writing).
func (c *conn) pingIfIdle(now time.Time) {
	if c.keepAlive == 0 || now.UnixNano()-c.lastWrite.Load() < int64(c.keepAlive/2) {
		return
	}
	if !c.wmu.TryLock() {
		return
	}
	defer c.wmu.Unlock()
	_ = c.writeLocked(pingreq) // a failure surfaces in the reader
}

// timedReader notes the wall-clock time after each read, so that every
// message a read brought in is timed by one clock reading: the moment its
// bytes reached us. Only the connection's reader goroutine uses it.
type timedReader struct {
	r    io.Reader
	last int64 // Unix ns when the last read returned
}

func (t *timedReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	t.last = time.Now().UnixNano()
	return n, err
}

// setSendBuffer sets the kernel's send buffer of the connection's socket
// (SO_SNDBUF) to n bytes; 0 leaves the kernel's automatic sizing.
func (c *conn) setSendBuffer(n int) error {
	if n == 0 {
		return nil
	}
	nc := c.nc
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	tcp, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	if err := tcp.SetWriteBuffer(n); err != nil {
		return fmt.Errorf("%s: send buffer: %w", c.id, err)
	}
	return nil
}

// pingreq is a PINGREQ's wire form (§3.12).
var pingreq = (&packet.Pingreq{}).AppendTo(nil, packet.V311)

// close ends the connection politely: a DISCONNECT, then close. It is
// safe to call more than once.
func (c *conn) close() {
	if c.closing.Swap(true) {
		return
	}
	if !c.wmu.TryLock() { // a writer is stuck: don't wait for it
		_ = c.nc.Close()
		return
	}
	var d packet.Disconnect
	_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.nc.Write(d.AppendTo(nil, c.v))
	c.wmu.Unlock()
	_ = c.nc.Close()
}

// abort closes the connection without a DISCONNECT, unblocking any
// writer stuck on a broker that stopped reading.
func (c *conn) abort() {
	c.closing.Store(true)
	_ = c.nc.Close()
}
