package broker

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/sqlite"
)

// openStore opens the SQLite store at path, closed at cleanup.
func openStore(t testing.TB, path string) store.Store {
	t.Helper()
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func newDurable(t testing.TB, st store.Store) *Server {
	t.Helper()
	s, err := New(testConfig(), newFakeAuth(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// readPayloads reads QoS 1 messages, acknowledging each, until none
// arrives for a while, and returns their payloads.
func readPayloads(c *client) []string {
	var got []string
	for {
		p, err := c.tryNext(300 * time.Millisecond)
		if err != nil {
			return got
		}
		if m, ok := p.(*packet.Publish); ok {
			got = append(got, string(m.Payload))
			if m.QoS > 0 {
				c.send(&packet.Ack{Kind: packet.PUBACK, PacketID: m.PacketID})
			}
		}
	}
}

func TestServer_New_RestoresSessionsQueuesAndRetained(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "broker.db")
	st := openStore(t, path)
	s := newDurable(t, st)
	for _, v := range []packet.Version{packet.V311, packet.V5} {
		c, _ := persistent(t, s, v, "dev"+v.String())
		c.subscribe(1, "q/#")
		c.send(&packet.Disconnect{})
		c.expectClosed()
	}
	inflight, _ := persistent(t, s, packet.V5, "inflight")
	inflight.subscribe(1, "q/#")
	pub := dial(t, s, packet.V5, "pub")
	pub.publish("q/1", 1, false, "one")
	pub.publish("q/2", 1, false, "two")
	pub.publish("retained/topic", 1, true, "kept")
	pub.publish("q/0", 0, false, "qos 0 is not kept")
	expect[*packet.Publish](inflight) // sent, never acknowledged
	inflight.readAll()                // net.Pipe: take the DISCONNECT of Close
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()

	st = openStore(t, path)
	s = newDurable(t, st)
	if n := s.Stats().Sessions; n != 3 {
		t.Errorf("%d sessions restored, want 3", n)
	}
	for _, id := range []string{"inflight", "dev3.1.1", "dev5.0"} {
		v := packet.V5
		if id == "dev3.1.1" {
			v = packet.V311
		}
		c, ack := persistent(t, s, v, id)
		if !ack.SessionPresent {
			t.Fatalf("%s: no session after restart", id)
		}
		if got := readPayloads(c); strings.Join(got, ",") != "one,two" {
			t.Errorf("%s: got %q after restart, want the queued QoS 1 messages in order", id, got)
		}
		if id == "dev5.0" {
			pub := dial(t, s, packet.V5, "pub2")
			pub.publish("q/3", 1, false, "three")
			if got := readPayloads(c); strings.Join(got, ",") != "three" {
				t.Errorf("restored subscription routed %q", got)
			}
		}
	}
	if m, ok := s.GetRetained("retained/topic"); !ok || string(m.Payload) != "kept" {
		t.Errorf("retained after restart: %v %v", m, ok)
	}
}

func TestServer_New_DropsExpiredSessions(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "broker.db")
	st := openStore(t, path)
	s := newDurable(t, st)
	c := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "brief"}
	p.Properties.SessionExpiryInterval = 1
	c.connect(p)
	c.subscribe(1, "t")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	_ = s.Close()
	time.Sleep(1100 * time.Millisecond)
	s = newDurable(t, st)
	if n := s.Stats().Sessions; n != 0 {
		t.Errorf("%d sessions restored after their expiry", n)
	}
}

// Environment of the kill -9 child.
const (
	envKill9Child = "HOB_BROKER_KILL9_CHILD"
	envKill9Path  = "HOB_BROKER_KILL9_PATH"
)

// TestServer_Kill9_AcknowledgedMessagesSurvive checks "write before
// PUBACK": a child process publishes QoS 1 messages for an offline
// persistent session and a retained message, printing each one the
// broker acknowledged; the parent kills it with SIGKILL mid-stream,
// restarts the broker on the same file and expects every acknowledged
// message to be delivered.
func TestServer_Kill9_AcknowledgedMessagesSurvive(t *testing.T) {
	if os.Getenv(envKill9Child) == "1" {
		kill9Child(t, os.Getenv(envKill9Path))
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "broker.db")
	st := openStore(t, path)
	s := newDurable(t, st)
	c, _ := persistent(t, s, packet.V311, "offline")
	c.subscribe(1, "k/#")
	c.send(&packet.Disconnect{})
	c.expectClosed()
	_ = s.Close()
	_ = st.Close()

	acked := runKill9Child(t, path, 150)

	st = openStore(t, path)
	s = newDurable(t, st)
	c, ack := persistent(t, s, packet.V311, "offline")
	if !ack.SessionPresent {
		t.Fatal("no session after kill -9")
	}
	got := map[string]bool{}
	for _, p := range readPayloads(c) {
		got[p] = true
	}
	for _, n := range acked {
		if !got[n] {
			t.Errorf("acknowledged message %s lost", n)
		}
	}
	if m, ok := s.GetRetained("k/retained"); !ok || string(m.Payload) != "r" {
		t.Errorf("retained message lost: %v", m)
	}
	t.Logf("%d acknowledged before the kill, %d delivered after it", len(acked), len(got))
}

// runKill9Child runs the child until it printed n acknowledgements, kills
// it and returns every acknowledged payload.
func runKill9Child(t *testing.T, path string, n int) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKill9Child+"=1", envKill9Path+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() && len(acked) < n {
		if v, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked = append(acked, v)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() { // acknowledgements printed before the kill landed
		if v, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked = append(acked, v)
		}
	}
	_ = cmd.Wait()
	if len(acked) < n {
		t.Fatalf("child acknowledged only %d messages", len(acked))
	}
	return acked
}

// kill9Child publishes until it is killed.
func kill9Child(t *testing.T, path string) {
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(testConfig(), newFakeAuth(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub := dial(t, s, packet.V311, "publisher")
	if ack := pub.publish("k/retained", 1, true, "r"); ack.ReasonCode != packet.Success {
		t.Fatal("retained publish refused")
	}
	for i := 1; i < 100_000; i++ {
		payload := strconv.Itoa(i)
		pub.send(&packet.Publish{Topic: "k/x", QoS: 1, PacketID: uint16(i%60000 + 1), Payload: []byte(payload)})
		expect[*packet.Ack](pub)
		fmt.Fprintf(os.Stdout, "ACK %s\n", payload)
	}
	t.Error("kill9 child was never killed")
}
