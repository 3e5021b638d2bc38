package broker

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// readBufferSize is the size of a connection's buffered reader.
const readBufferSize = 2048

// maxKeptBody is the largest packet body buffer a connection keeps
// between packets.
const maxKeptBody = 16 << 10

// conn is one client connection. Two goroutines work on it: the reader
// (the goroutine that called ServeConn: it decodes packets and acts on
// them) and the writer (writeLoop, which drains the outbox). Everything
// else reaches the client only through the outbox.
type conn struct {
	srv       *Server
	nc        net.Conn
	transport Transport
	certs     []*x509.Certificate

	// Set by the reader during CONNECT, before connected is stored;
	// read-only afterwards.
	version     packet.Version
	clientID    string
	principal   Principal
	principalID string
	sourceIP    string // the client's IP address, for Message.SourceIP
	sessionID   string // lifecycle events' sessionIdentifier
	keepAlive   time.Duration
	maxOut      int    // the client's Maximum Packet Size; 0: none
	expiry      uint32 // Session Expiry Interval granted at CONNECT, seconds
	sendQuota   int    // outbound in-flight window
	problemInfo bool
	will        *will
	sess        *session
	connected   atomic.Bool // CONNACK with success queued

	// Reader state.
	br        *bufio.Reader // nil while parked
	rd        *packet.Reader
	body      []byte
	rs        *readScratch // nil while parked
	aliases   []string     // inbound topic aliases, index = alias
	rearmAt   time.Time
	endExpiry *uint32 // Session Expiry Interval from the client's DISCONNECT

	// Writer state.
	ws         *writeScratch // while a writer goroutine runs
	scratch    []byte
	aliasMax   uint16            // outbound Topic Aliases allowed: set at CONNECT, read-only after
	outAliases map[string]uint16 // outbound topic → alias, assigned by the writer

	park parkState // parking while idle (park.go)

	out        outbox
	acks       *acker // acknowledgements waiting for durable writes (acker.go); made on first use by the reader
	writerDone chan struct{}
	detached   chan struct{} // closed when the connection has fully ended

	mu    sync.Mutex
	cause *cause // guarded by mu: why the connection ends; first wins
	once  sync.Once

	stopCtx func() bool // stops the shutdown hook on serveConn's context
}

func (s *Server) newConn(nc net.Conn, t Transport, parkable bool) *conn {
	soft := s.cfg.OutboundQueue
	c := &conn{
		srv: s, nc: nc, transport: t,
		br:         readers.Get().(*bufio.Reader),
		out:        newOutbox(soft, 2*soft+s.cfg.MaxInflight+64),
		writerDone: make(chan struct{}),
		detached:   make(chan struct{}),
	}
	c.br.Reset(nc)
	c.rd = packet.NewReader(c.br, s.cfg.MaxPacketSize)
	c.rs = readScratches.Get().(*readScratch)
	c.out.spawn = func() { go c.writeLoop() }
	c.out.idle = true
	if parkable && s.poller != nil {
		c.park.raw = rawConnOf(nc)
	}
	return c
}

// readScratch is what a connection's reader decodes the hot packets
// into, reused packet after packet; a parked connection gives it back.
type readScratch struct {
	pub packet.Publish
	ack packet.Ack
}

// writeScratch is what a connection's writer encodes from, held while a
// writer goroutine runs.
type writeScratch struct {
	pub packet.Publish
	ack packet.Ack
}

// Pools of what only a running reader or writer needs, so that a parked
// connection holds none of it.
var (
	readers        = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }}
	readScratches  = sync.Pool{New: func() any { return new(readScratch) }}
	writeScratches = sync.Pool{New: func() any { return new(writeScratch) }}
)

// takeReader gives the reader its buffer and scratch back after parking.
func (c *conn) takeReader() {
	c.br = readers.Get().(*bufio.Reader)
	c.br.Reset(c.nc)
	c.rd.Reset(c.br)
	c.rs = readScratches.Get().(*readScratch)
}

// dropReader returns the reader's buffer and scratch to their pools.
func (c *conn) dropReader() {
	if c.br == nil {
		return
	}
	c.rd.Reset(nil)
	c.br.Reset(nil)
	readers.Put(c.br)
	*c.rs = readScratch{}
	readScratches.Put(c.rs)
	c.br, c.rs, c.body = nil, nil, nil
}

// serveConn runs one connection from TLS handshake to teardown, or until
// it parks (park.go): another goroutine then resumes it. Either way the
// connection's end calls s.wg.Done (see finish), which the caller must
// have entered. With parkable false it returns only once the connection
// has ended, as ServeConn promises.
func (s *Server) serveConn(ctx context.Context, nc net.Conn, t Transport, parkable bool) {
	c := s.newConn(nc, t, parkable)
	s.addConn(c)
	c.stopCtx = context.AfterFunc(ctx, func() { c.kick(causeShutdown) })
	cs := c.start(ctx)
	if cs == nil {
		cs = c.readLoop()
	}
	c.run(cs)
}

// run ends the connection for cs, unless cs says it parked.
func (c *conn) run(cs *cause) {
	if cs != causeParked {
		c.finish(cs)
	}
}

// finish tears the connection down: it kicks it for cs (the first cause
// wins), waits for the writer to close the socket, detaches the session
// and reports the connection gone to Close.
func (c *conn) finish(cs *cause) {
	s := c.srv
	c.kick(cs)
	<-c.writerDone
	final := c.finalCause()
	s.detach(c, final)
	close(c.detached)
	c.stopCtx()
	c.dropReader()
	s.removeConn(c)
	s.log.Debug("broker: connection ended", "client", c.clientID, "transport", string(c.transport), "cause", final.String())
	s.wg.Done()
}

// start performs the TLS handshake, if any, and the CONNECT exchange. It
// returns nil once the client has a session.
func (c *conn) start(ctx context.Context) *cause {
	deadline := time.Now().Add(c.srv.cfg.ConnectTimeout)
	_ = c.nc.SetReadDeadline(deadline)
	if tc, ok := c.nc.(*tls.Conn); ok {
		hctx, cancel := context.WithDeadline(ctx, deadline)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			c.srv.stats.connectsRefused.Add(1)
			return &cause{event: reasonAuthError, detail: "TLS handshake: " + err.Error()}
		}
		c.certs = tc.ConnectionState().PeerCertificates
	}
	return c.connect(ctx)
}

// kick starts closing the connection for cs, from any goroutine: an MQTT 5
// client that has its CONNACK is sent DISCONNECT with cs's reason code,
// the outbox is closed, and the writer writes what is queued, closes the
// socket and exits; the reader's next read then fails. Only the first
// cause counts.
func (c *conn) kick(cs *cause) {
	c.mu.Lock()
	if c.cause != nil {
		c.mu.Unlock()
		return
	}
	c.cause = cs
	c.mu.Unlock()
	if cs.send && c.connected.Load() && c.version == packet.V5 { // connected orders the read of version
		d := &packet.Disconnect{ReasonCode: cs.code}
		d.Properties.ReasonString = cs.detail
		c.out.closeWith(outItem{kind: outPacket, pkt: d})
	} else {
		c.out.close()
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(goodbyeTimeout))
	c.unpark(nil) // a parked reader must see the socket close
}

// finalCause returns the recorded cause.
func (c *conn) finalCause() *cause {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// closeNet closes the socket once.
func (c *conn) closeNet() {
	c.once.Do(func() { _ = c.nc.Close() })
}

// send queues a packet the reader produced in answer to the client
// (acknowledgements, SUBACK...). It returns a cause when the client has
// let so much pile up that the connection must end.
func (c *conn) send(it outItem) *cause {
	if c.out.push(it, false) == overflow {
		return causeOverflow
	}
	return nil
}

// sendAck queues an acknowledgement of type t.
func (c *conn) sendAck(t packet.Type, id uint16, rc packet.ReasonCode) *cause {
	return c.send(outItem{kind: outAck, ack: t, id: id, rc: rc})
}

// reasonString returns s for the Reason String of an acknowledgement, or
// "" when the client asked for no problem information [MQTT-3.1.2-29].
func (c *conn) reasonString(s string) string {
	if !c.problemInfo {
		return ""
	}
	return s
}
