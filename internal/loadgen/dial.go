package loadgen

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// handshakeTimeout bounds CONNECT→CONNACK and SUBSCRIBE→SUBACK.
const handshakeTimeout = 15 * time.Second

// dialer opens connections to one broker.
type dialer struct {
	addr      string
	tls       *tls.Config // nil for plain TCP
	v         packet.Version
	keepAlive time.Duration
}

// dial connects, sends CONNECT and waits for a successful CONNACK.
// readBuf is the size of the connection's read buffer.
func (d *dialer) dial(ctx context.Context, clientID string, readBuf int) (*conn, error) {
	nd := net.Dialer{Timeout: handshakeTimeout}
	var nc net.Conn
	var err error
	if d.tls != nil {
		td := tls.Dialer{NetDialer: &nd, Config: d.tls}
		nc, err = td.DialContext(ctx, "tcp", d.addr)
	} else {
		nc, err = nd.DialContext(ctx, "tcp", d.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clientID, err)
	}
	c := &conn{id: clientID, nc: nc, v: d.v, keepAlive: d.keepAlive}
	c.in = timedReader{r: nc}
	c.br = bufio.NewReaderSize(&c.in, readBuf)
	c.rd = packet.NewReader(c.br, 0)
	if err := c.handshake(ctx); err != nil {
		_ = nc.Close()
		return nil, fmt.Errorf("%s: %w", clientID, err)
	}
	return c, nil
}

// handshake sends CONNECT and reads the CONNACK, noting the limits the
// broker states in it.
func (c *conn) handshake(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	_ = c.nc.SetDeadline(time.Now().Add(handshakeTimeout))
	defer c.nc.SetDeadline(time.Time{})
	cp := packet.Connect{Version: c.v, CleanStart: true, KeepAlive: uint16(c.keepAlive / time.Second), ClientID: c.id}
	if err := c.write(cp.AppendTo(nil, c.v)); err != nil {
		return err
	}
	p, err := c.rd.ReadPacket(c.v)
	if err != nil {
		return fmt.Errorf("reading CONNACK: %w", err)
	}
	ca, ok := p.(*packet.Connack)
	if !ok {
		return fmt.Errorf("got %s, want CONNACK", p.Type())
	}
	if ca.ReasonCode.IsFailure() {
		return fmt.Errorf("CONNACK: %w", ca.ReasonCode)
	}
	c.applyConnack(&ca.Properties)
	return nil
}

// applyConnack takes the broker's limits from a 5.0 CONNACK; 3.1.1's
// CONNACK has none, and decodes with empty properties.
func (c *conn) applyConnack(p *packet.Properties) {
	c.receiveMax = 65535
	if p.ReceiveMaximum > 0 {
		c.receiveMax = int(p.ReceiveMaximum)
	}
	c.max = int(p.MaximumPacketSize)
	if p.Has(packet.PropServerKeepAlive) {
		c.keepAlive = time.Duration(p.ServerKeepAlive) * time.Second
	}
}

// subscribe subscribes to filter at qos and waits for the SUBACK. It runs
// before the reader goroutine starts, so it reads the SUBACK itself.
func (c *conn) subscribe(ctx context.Context, filter string, qos packet.QoS) error {
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	_ = c.nc.SetDeadline(time.Now().Add(handshakeTimeout))
	defer c.nc.SetDeadline(time.Time{})
	sp := packet.Subscribe{PacketID: 1, Subscriptions: []packet.Subscription{{Filter: filter, QoS: qos}}}
	if err := c.write(sp.AppendTo(nil, c.v)); err != nil {
		return err
	}
	p, err := c.rd.ReadPacket(c.v)
	if err != nil {
		return fmt.Errorf("%s: reading SUBACK: %w", c.id, err)
	}
	sa, ok := p.(*packet.Suback)
	switch {
	case !ok:
		return fmt.Errorf("%s: got %s, want SUBACK", c.id, p.Type())
	case len(sa.ReasonCodes) != 1:
		return fmt.Errorf("%s: SUBACK with %d codes for 1 filter", c.id, len(sa.ReasonCodes))
	case sa.ReasonCodes[0].IsFailure():
		return fmt.Errorf("%s: subscribe %q: %w", c.id, filter, sa.ReasonCodes[0])
	case packet.QoS(sa.ReasonCodes[0]) < qos:
		return fmt.Errorf("%s: subscribe %q: granted QoS %d, want %d", c.id, filter, sa.ReasonCodes[0], qos)
	}
	return nil
}

// errBrokerClosed reports a connection the broker ended.
var errBrokerClosed = errors.New("broker closed the connection")
