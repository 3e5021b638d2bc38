package broker

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/sqlite"
)

// qos2Config is testConfig with QoS 2 on.
func qos2Config() Config {
	cfg := testConfig()
	cfg.QoS2 = true
	return cfg
}

func newDurableQoS2(t testing.TB, st store.Store) *Server {
	t.Helper()
	s, err := New(qos2Config(), newFakeAuth(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// expectAck reads an acknowledgement and checks its kind, id and code.
func expectAck(t *testing.T, c *client, kind packet.Type, id uint16, rc packet.ReasonCode) {
	t.Helper()
	a := expect[*packet.Ack](c)
	if a.Kind != kind || a.PacketID != id || a.ReasonCode != rc {
		t.Fatalf("got %s id %d %v, want %s id %d %v", a.Kind, a.PacketID, a.ReasonCode, kind, id, rc)
	}
}

// countRecords counts a store table's records.
func countRecords(t *testing.T, st store.Store, table string) int {
	t.Helper()
	n := 0
	err := st.View(t.Context(), func(tx store.ReadTx) error {
		return tx.Scan(table, store.Query{}, func(store.Record) bool { n++; return true })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServer_New_RestoresQoS2State checks that a restart keeps both
// directions of QoS 2 for persistent sessions: an inbound message
// PUBREC'd but not released is not routed again when resent, and its
// PUBREL is answered Success; outbound deliveries come back with their
// packet identifiers, as PUBREL after PUBREC and as PUBLISH with DUP
// before it [MQTT-4.4.0-1]; and nothing is left in the store after.
func TestServer_New_RestoresQoS2State(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "broker.db")
	st := openStore(t, path)
	s := newDurableQoS2(t, st)
	sub, _ := persistent(t, s, packet.V5, "sub")
	sub.subscribe(2, "q2/#")
	pub, _ := persistent(t, s, packet.V5, "pub")

	pub.send(&packet.Publish{Topic: "q2/a", QoS: 2, PacketID: 11, Payload: []byte("one")})
	expectAck(t, pub, packet.PUBREC, 11, packet.Success) // no PUBREL before the restart
	one := expect[*packet.Publish](sub)
	sub.send(&packet.Ack{Kind: packet.PUBREC, PacketID: one.PacketID})
	expectAck(t, sub, packet.PUBREL, one.PacketID, packet.Success) // no PUBCOMP before the restart

	pub.send(&packet.Publish{Topic: "q2/b", QoS: 2, PacketID: 12, Payload: []byte("two")})
	expectAck(t, pub, packet.PUBREC, 12, packet.Success)
	pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: 12})
	expectAck(t, pub, packet.PUBCOMP, 12, packet.Success)
	two := expect[*packet.Publish](sub) // no PUBREC before the restart
	if string(one.Payload) != "one" || string(two.Payload) != "two" {
		t.Fatalf("delivered %q, %q", one.Payload, two.Payload)
	}
	sub.readAll()
	pub.readAll()
	_ = s.Close()
	_ = st.Close()

	st = openStore(t, path)
	s = newDurableQoS2(t, st)
	sub, ack := persistent(t, s, packet.V5, "sub")
	if !ack.SessionPresent {
		t.Fatal("no session after restart")
	}
	expectAck(t, sub, packet.PUBREL, one.PacketID, packet.Success)
	again := expect[*packet.Publish](sub)
	if string(again.Payload) != "two" || again.PacketID != two.PacketID || !again.Dup || again.QoS != 2 {
		t.Fatalf("resent %q id %d dup %v QoS %d, want %q id %d with DUP", again.Payload, again.PacketID, again.Dup, again.QoS, "two", two.PacketID)
	}
	sub.send(&packet.Ack{Kind: packet.PUBCOMP, PacketID: one.PacketID})
	sub.send(&packet.Ack{Kind: packet.PUBREC, PacketID: two.PacketID})
	expectAck(t, sub, packet.PUBREL, two.PacketID, packet.Success)
	sub.send(&packet.Ack{Kind: packet.PUBCOMP, PacketID: two.PacketID})

	pub, _ = persistent(t, s, packet.V5, "pub")
	pub.send(&packet.Publish{Topic: "q2/a", QoS: 2, PacketID: 11, Dup: true, Payload: []byte("one")})
	expectAck(t, pub, packet.PUBREC, 11, packet.Success)
	pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: 11})
	expectAck(t, pub, packet.PUBCOMP, 11, packet.Success)
	pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: 12}) // released before the restart
	expectAck(t, pub, packet.PUBCOMP, 12, packet.PacketIdentifierNotFound)
	sub.expectSilence(100 * time.Millisecond) // "one" is not routed twice

	eventually(t, "QoS 2 records deleted", func() bool {
		return countRecords(t, st, tableQoS2In) == 0 && countRecords(t, st, tableQoS2Out) == 0 &&
			countRecords(t, st, tableQueue) == 0
	})
}

// TestServer_Kill9_QoS2InboundExactlyOnce checks that an inbound QoS 2
// message PUBREC'd before a kill -9 is not routed again when its
// publisher resends it after the restart: an offline persistent
// subscriber gets every acknowledged message exactly once.
func TestServer_Kill9_QoS2InboundExactlyOnce(t *testing.T) {
	if os.Getenv(envKill9Child) == "1" {
		kill9QoS2Child(t, os.Getenv(envKill9Path))
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "broker.db")
	st := openStore(t, path)
	s := newDurableQoS2(t, st)
	for _, id := range []string{"sub", "pub"} {
		c, _ := persistent(t, s, packet.V5, id)
		if id == "sub" {
			c.subscribe(2, "k/#")
		}
		c.send(&packet.Disconnect{})
		c.expectClosed()
	}
	_ = s.Close()
	_ = st.Close()

	acked := runKill9Child(t, path, 60)

	st = openStore(t, path)
	s = newDurableQoS2(t, st)
	pub, _ := persistent(t, s, packet.V5, "pub")
	for _, a := range acked {
		n, _ := strconv.Atoi(a)
		if n%2 == 1 { // never released: resend, as a client must [MQTT-4.4.0-1]
			pub.send(&packet.Publish{Topic: "k/x", QoS: 2, PacketID: uint16(n), Dup: true, Payload: []byte(a)})
			expectAck(t, pub, packet.PUBREC, uint16(n), packet.Success)
			pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: uint16(n)})
			expectAck(t, pub, packet.PUBCOMP, uint16(n), packet.Success)
		}
	}
	sub, _ := persistent(t, s, packet.V5, "sub")
	got := map[string]int{}
	for _, p := range readQoS2Payloads(sub) {
		got[p]++
	}
	for _, a := range acked {
		if got[a] != 1 {
			t.Errorf("acknowledged message %s delivered %d times, want exactly once", a, got[a])
		}
	}
	t.Logf("%d acknowledged before the kill", len(acked))
}

// kill9QoS2Child publishes QoS 2 messages, printing each PUBREC'd one,
// and releases the even ones, until it is killed.
func kill9QoS2Child(t *testing.T, path string) {
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(qos2Config(), newFakeAuth(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := persistent(t, s, packet.V5, "pub")
	for n := 1; n < 150; n++ {
		pub.send(&packet.Publish{Topic: "k/x", QoS: 2, PacketID: uint16(n), Payload: []byte(strconv.Itoa(n))})
		expectAck(t, pub, packet.PUBREC, uint16(n), packet.Success)
		fmt.Fprintf(os.Stdout, "ACK %d\n", n)
		if n%2 == 0 {
			pub.send(&packet.Ack{Kind: packet.PUBREL, PacketID: uint16(n)})
			expectAck(t, pub, packet.PUBCOMP, uint16(n), packet.Success)
		}
	}
	time.Sleep(time.Minute)
	t.Error("kill9 child was never killed")
}

// readQoS2Payloads reads messages, completing the QoS 2 exchange of
// each, until none arrives for a while, and returns their payloads.
func readQoS2Payloads(c *client) []string {
	var got []string
	for {
		p, err := c.tryNext(300 * time.Millisecond)
		if err != nil {
			return got
		}
		switch m := p.(type) {
		case *packet.Publish:
			got = append(got, string(m.Payload))
			switch m.QoS {
			case 1:
				c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m.PacketID})
			case 2:
				c.send(&packet.Ack{Kind: packet.PUBREC, PacketID: m.PacketID})
			}
		case *packet.Ack:
			if m.Kind == packet.PUBREL {
				c.send(&packet.Ack{Kind: packet.PUBCOMP, PacketID: m.PacketID})
			}
		}
	}
}
