package loadgen

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// discardConn is a net.Conn that accepts every write.
type discardConn struct{ net.Conn }

func (discardConn) Write(b []byte) (int, error) { return len(b), nil }

// testConn is a conn over discardConn with nothing to read.
func testConn(v packet.Version) *conn {
	c := &conn{id: "t", nc: discardConn{}, v: v, receiveMax: 65535}
	c.in = timedReader{r: strings.NewReader(""), last: time.Now().UnixNano()}
	c.br = bufio.NewReader(&c.in)
	return c
}

// TestHotPath_NoAlloc checks that publishing and receiving a message
// allocate nothing, at both QoS levels and in both versions.
func TestHotPath_NoAlloc(t *testing.T) {
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		for _, qos := range []packet.QoS{0, 1} {
			p, err := newPublisher(testConn(v), 0, "bench/0", qos, 64, 64, 0)
			if err != nil {
				t.Fatal(err)
			}
			dead := make(chan struct{})
			ctx := t.Context()
			pubAllocs := testing.AllocsPerRun(1000, func() {
				if err := p.publishOne(ctx, dead); err != nil {
					t.Fatal(err)
				}
				if qos > 0 { // write and acknowledge at once, as a broker would
					if err := p.flush(); err != nil {
						t.Fatal(err)
					}
					_ = p.puback(uint16(int(p.seq-1)%len(p.slots)+1), packet.Success)
				}
			})
			if qos > 0 && (p.stray.Load() != 0 || p.acked.Load() != p.sent.Load()) {
				t.Errorf("%s: %d stray PUBACKs, %d of %d acknowledged", v, p.stray.Load(), p.acked.Load(), p.sent.Load())
			}
			s := &subscriber{c: testConn(v), shard: new(latencyShard)}
			msg := packet.Publish{QoS: qos, Topic: "bench/0", Payload: make([]byte, 64)}
			if qos > 0 {
				msg.PacketID = 9
			}
			putStamp(msg.Payload, stamp{sent: time.Now().UnixNano()})
			subAllocs := testing.AllocsPerRun(1000, func() { _ = s.publish(&msg) })
			decodeAllocs := decodeInterleaved(t, v, qos)
			if pubAllocs != 0 || subAllocs != 0 || decodeAllocs != 0 {
				t.Errorf("%s QoS %d: allocations: %v per publish, %v per receive, %v per decode",
					v, qos, pubAllocs, subAllocs, decodeAllocs)
			}
		}
	}
}

// decodeInterleaved returns the allocations per decode of PUBLISH packets
// on four topics in turn, as a fan-in subscriber sees them.
func decodeInterleaved(t *testing.T, v packet.Version, qos packet.QoS) float64 {
	var bodies [4][]byte
	var hs [4]packet.FixedHeader
	for i := range bodies {
		p := packet.Publish{QoS: qos, Topic: fmt.Sprintf("bench/%d", i), Payload: make([]byte, 64)}
		if qos > 0 {
			p.PacketID = 1
		}
		b := p.AppendTo(nil, v)
		h, n, err := packet.ParseHeader(b, 0)
		if err != nil {
			t.Fatal(err)
		}
		hs[i], bodies[i] = h, b[n:]
	}
	var ps publishes
	i := 0
	return testing.AllocsPerRun(1000, func() {
		if _, err := ps.decode(hs[i%4], bodies[i%4], v); err != nil {
			t.Fatal(err)
		}
		i++
	})
}
