package loadgen

import (
	"bufio"
	"net"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// fakeBroker accepts connections on loopback and hands each, after
// reading its CONNECT, to serve. It is for the cases a real broker will
// not produce on demand.
type fakeBroker struct {
	ln net.Listener
	wg sync.WaitGroup
}

// fakeConn is one connection of a fakeBroker.
type fakeConn struct {
	nc net.Conn
	rd *packet.Reader
	v  packet.Version
}

// send writes p.
func (c *fakeConn) send(p packet.Packet) error {
	_, err := c.nc.Write(p.AppendTo(nil, c.v))
	return err
}

// startFakeBroker starts a fakeBroker that stops at the end of the test.
func startFakeBroker(t *testing.T, serve func(c *fakeConn, cp *packet.Connect)) *fakeBroker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBroker{ln: ln}
	var mu sync.Mutex // guards conns
	var conns []net.Conn
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			b.wg.Add(1)
			go func() { defer b.wg.Done(); b.handle(nc, serve) }()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		b.wg.Wait()
	})
	return b
}

// handle reads the CONNECT and passes the connection on.
func (b *fakeBroker) handle(nc net.Conn, serve func(*fakeConn, *packet.Connect)) {
	defer nc.Close()
	rd := packet.NewReader(bufio.NewReader(nc), 0)
	p, err := rd.ReadPacket(packet.V311)
	if err != nil {
		return
	}
	cp, ok := p.(*packet.Connect)
	if !ok {
		return
	}
	serve(&fakeConn{nc: nc, rd: rd, v: cp.Version}, cp)
}

// url returns the fake broker's mqtt:// URL.
func (b *fakeBroker) url() string { return "mqtt://" + b.ln.Addr().String() }
