package broker

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/policy"
)

// allowAll is a Principal that allows everything without locking, so the
// benchmarks measure the broker, not the test double.
type allowAll struct{}

func (allowAll) ID() string                               { return "bench" }
func (allowAll) Authorize(string, string) policy.Decision { return policy.Decision{Allowed: true} }

// benchSubscribers attaches n online sessions subscribed to filter at
// qos, each with a connection whose outbox the benchmark drains itself
// (no writer, no network), and returns the connections.
func benchSubscribers(b *testing.B, s *Server, n int, filter string, qos packet.QoS) []*conn {
	conns := make([]*conn, n)
	for i := range conns {
		nc, _ := net.Pipe()
		c := s.newConn(nc, TransportDev, false)
		c.out.spawn, c.out.idle = nil, false // the benchmark is the writer
		c.version, c.sendQuota, c.principal = packet.V311, 1<<16-1, allowAll{}
		ss := newSession(s, fmt.Sprintf("sub%d", i), packet.V311)
		ss.principal.Store(&principalOf{allowAll{}})
		ss.conn, c.sess = c, ss
		ss.online.Store(true)
		if _, err := s.subs.Subscribe(filter, ss, subOpts{qos: qos}); err != nil {
			b.Fatal(err)
		}
		conns[i] = c
	}
	return conns
}

// drain empties the outboxes as a writer would, acknowledging QoS 1.
func drain(conns []*conn, bufs [][]outItem) {
	for i, c := range conns {
		items, _ := c.out.take(bufs[i])
		for _, it := range items {
			if it.qos > 0 {
				c.sess.complete(it.id)
			}
		}
		clear(items)
		bufs[i] = items[:0]
	}
}

// BenchmarkServer_Route measures the router's publish → deliver path:
// matching, iot:Receive, session bookkeeping and the outbox append, per
// message and per delivery. Allocations per op are per message, for any
// number of subscribers.
func BenchmarkServer_Route(b *testing.B) {
	for _, qos := range []packet.QoS{0, 1} {
		for _, n := range []int{1, 10, 100, 1000} {
			b.Run(fmt.Sprintf("QoS%d/subscribers=%d", qos, n), func(b *testing.B) {
				s := newServer(b, nil, func(c *Config) { c.OutboundQueue = 1 << 20 })
				conns := benchSubscribers(b, s, n, "bench/+/temp", qos)
				bufs := make([][]outItem, n)
				m := &Message{Topic: "bench/dev/temp", Payload: make([]byte, 64), QoS: qos, arn: s.arn.topic + "bench/dev/temp"}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					s.route(m, nil)
					if i%16 == 15 {
						drain(conns, bufs)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/delivery")
			})
		}
	}
}

// BenchmarkServer_PublishOverPipe measures one publisher to one
// subscriber through the whole broker (decode, policy, route, writer,
// encode) over net.Pipe, QoS 0.
func BenchmarkServer_PublishOverPipe(b *testing.B) {
	s := newServer(b, nil, func(c *Config) { c.OutboundQueue = 1 << 16 })
	sub := dial(b, s, packet.V311, "sub")
	sub.subscribe(0, "bench/#")
	pub := dial(b, s, packet.V311, "pub")
	msg := (&packet.Publish{Topic: "bench/x", Payload: make([]byte, 64)}).AppendTo(nil, packet.V311)
	size := len(msg)
	got := make(chan int64, 1)
	_ = sub.nc.SetReadDeadline(time.Time{})
	go func() { // count bytes until all messages are in
		n, _ := io.CopyN(io.Discard, sub.nc, int64(b.N*size))
		got <- n
	}()
	batch := make([]byte, 0, 64*size)
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; {
		batch = batch[:0]
		for k := 0; k < 64 && sent < b.N; k++ {
			batch = append(batch, msg...)
			sent++
		}
		if _, err := pub.nc.Write(batch); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case n := <-got:
		if n != int64(b.N*size) {
			b.Fatalf("subscriber got %d of %d bytes", n, b.N*size)
		}
	case <-time.After(30 * time.Second):
		b.Fatalf("subscriber got too little; dropped %d", s.Stats().DroppedQueueFull)
	}
}
