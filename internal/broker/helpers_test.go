package broker

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/policy"
)

// testAccount is the account of the tests' resource ARNs.
var testAccount = iot.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}

// arnOf returns the full ARN of a short resource such as "topic/a/b".
func arnOf(short string) string {
	return "arn:aws:iot:us-east-1:123456789012:" + short
}

// fakeAuth is a test double of the authorization seam: it authenticates
// everyone (but the client ids in refuse) and allows everything but the
// denied "action resource" pairs, where a resource ending in * is a
// prefix. The real Authorizer (internal/auth) has its own tests.
type fakeAuth struct {
	mu     sync.Mutex
	deny   map[string]bool
	refuse map[string]bool
	infos  []ConnInfo
}

func newFakeAuth(denied ...string) *fakeAuth {
	a := &fakeAuth{deny: map[string]bool{}, refuse: map[string]bool{}}
	for _, d := range denied {
		a.deny[d] = true
	}
	return a
}

// Deny adds denied "action short-resource" pairs, e.g. "iot:Publish topic/x".
func (a *fakeAuth) Deny(rules ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range rules {
		a.deny[r] = true
	}
}

func (a *fakeAuth) Authenticate(_ context.Context, info ConnInfo) (Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.infos = append(a.infos, info)
	if a.refuse[info.ClientID] {
		return nil, errors.New("fake: unknown certificate")
	}
	return &fakePrincipal{a: a, id: "arn:aws:iot:us-east-1:123456789012:cert/" + info.ClientID + "-cert"}, nil
}

func (a *fakeAuth) denied(action, resource string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	short := strings.TrimPrefix(resource, arnOf(""))
	for rule := range a.deny {
		act, res, _ := strings.Cut(rule, " ")
		if act != action {
			continue
		}
		if p, ok := strings.CutSuffix(res, "*"); ok && strings.HasPrefix(short, p) || res == short {
			return true
		}
	}
	return false
}

type fakePrincipal struct {
	a  *fakeAuth
	id string
}

func (p *fakePrincipal) ID() string { return p.id }

func (p *fakePrincipal) Authorize(action, resource string) policy.Decision {
	if p.a.denied(action, resource) {
		return policy.Decision{Policy: -1, Statement: -1}
	}
	return policy.Decision{Allowed: true}
}

var (
	_ Authorizer = (*fakeAuth)(nil)
	_ Principal  = (*fakePrincipal)(nil)
)

// testConfig returns the defaults with short timers for tests.
func testConfig() Config {
	cfg := DefaultConfig(testAccount)
	cfg.ConnectTimeout = 2 * time.Second
	cfg.WriteTimeout = 2 * time.Second
	cfg.IdleAfter = 10 * time.Millisecond // park idle connections often, to test parking everywhere
	return cfg
}

// newServer starts a broker without a store; Close runs at cleanup.
func newServer(t testing.TB, auth Authorizer, edit func(*Config)) *Server {
	t.Helper()
	cfg := testConfig()
	if edit != nil {
		edit(&cfg)
	}
	if auth == nil {
		auth = newFakeAuth()
	}
	s, err := New(cfg, auth, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// client is a test MQTT client over net.Pipe that speaks through hob's
// codec.
type client struct {
	t    testing.TB
	nc   net.Conn
	rd   *packet.Reader
	v    packet.Version
	done chan struct{} // closed when ServeConn returned
}

const ioTimeout = 5 * time.Second

// pipe connects a client to s over net.Pipe, without sending anything.
func pipe(t testing.TB, s *Server, v packet.Version) *client {
	return pipeOver(t, s, v, TransportDev)
}

func pipeOver(t testing.TB, s *Server, v packet.Version, tr Transport) *client {
	t.Helper()
	a, b := net.Pipe()
	c := &client{t: t, nc: a, rd: packet.NewReader(a, 0), v: v, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		s.ServeConn(context.Background(), b, tr)
	}()
	t.Cleanup(func() {
		_ = a.Close()
		select {
		case <-c.done:
		case <-time.After(ioTimeout):
			t.Errorf("ServeConn did not return after the client closed")
		}
	})
	return c
}

// send writes p.
func (c *client) send(p packet.Packet) {
	c.t.Helper()
	c.sendRaw(p.AppendTo(nil, c.v))
}

func (c *client) sendRaw(b []byte) {
	c.t.Helper()
	_ = c.nc.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("client write: %v", err)
	}
}

// next reads the next packet, failing the test on error.
func (c *client) next() packet.Packet {
	c.t.Helper()
	p, err := c.tryNext(ioTimeout)
	if err != nil {
		c.t.Fatalf("client read: %v", err)
	}
	return p
}

func (c *client) tryNext(d time.Duration) (packet.Packet, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	return c.rd.ReadPacket(c.v)
}

// expect reads the next packet and checks its type.
func expect[P packet.Packet](c *client) P {
	c.t.Helper()
	p := c.next()
	got, ok := p.(P)
	if !ok {
		var want P
		c.t.Fatalf("got %s %+v, want %T", p.Type(), p, want)
	}
	return got
}

// expectClosed checks that the broker closes the connection, after at
// most the packets it lists by type.
func (c *client) expectClosed(before ...packet.Type) []packet.Packet {
	c.t.Helper()
	var got []packet.Packet
	for {
		p, err := c.tryNext(ioTimeout)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe) {
				return got
			}
			c.t.Fatalf("waiting for close: %v (after %d packets)", err, len(got))
		}
		if len(got) >= len(before) || p.Type() != before[len(got)] {
			c.t.Fatalf("got %s %+v before close, want only %v", p.Type(), p, before)
		}
		got = append(got, p)
	}
}

// readAll reads packets on another goroutine until the connection ends
// and then sends them. net.Pipe has no buffer, so a test that makes the
// broker write to a client it is not reading uses it.
func (c *client) readAll() <-chan []packet.Packet {
	ch := make(chan []packet.Packet, 1)
	go func() {
		var got []packet.Packet
		for {
			p, err := c.tryNext(ioTimeout)
			if err != nil {
				ch <- got
				return
			}
			got = append(got, p)
		}
	}()
	return ch
}

// expectSilence checks that nothing arrives for d.
func (c *client) expectSilence(d time.Duration) {
	c.t.Helper()
	if p, err := c.tryNext(d); err == nil {
		c.t.Fatalf("got %s %+v, want nothing", p.Type(), p)
	}
}

// connect sends CONNECT and returns the CONNACK.
func (c *client) connect(p *packet.Connect) *packet.Connack {
	c.t.Helper()
	if p.Version == 0 {
		p.Version = c.v
	}
	c.send(p)
	return expect[*packet.Connack](c)
}

// dial connects a new client with id, Clean Start set, and checks the
// CONNACK succeeded.
func dial(t testing.TB, s *Server, v packet.Version, id string) *client {
	t.Helper()
	c := pipe(t, s, v)
	ack := c.connect(&packet.Connect{ClientID: id, CleanStart: true, KeepAlive: 60})
	if ack.ReasonCode != packet.Success {
		t.Fatalf("CONNACK %v", ack.ReasonCode)
	}
	return c
}

// subscribe subscribes to filters at qos and checks the SUBACK codes.
func (c *client) subscribe(qos packet.QoS, filters ...string) *packet.Suback {
	c.t.Helper()
	sub := &packet.Subscribe{PacketID: 1}
	for _, f := range filters {
		sub.Subscriptions = append(sub.Subscriptions, packet.Subscription{Filter: f, QoS: qos})
	}
	c.send(sub)
	return expect[*packet.Suback](c)
}

// publish sends a PUBLISH; QoS 1 waits for the PUBACK, which it returns.
func (c *client) publish(topic string, qos packet.QoS, retain bool, payload string) *packet.Ack {
	c.t.Helper()
	p := &packet.Publish{Topic: topic, QoS: qos, Retain: retain, Payload: []byte(payload)}
	if qos > 0 {
		p.PacketID = 7
	}
	c.send(p)
	if qos == 0 {
		return nil
	}
	return expect[*packet.Ack](c)
}

// eventually polls cond until it holds or fails the test after 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
