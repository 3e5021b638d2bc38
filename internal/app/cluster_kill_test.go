package app_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
)

// killBurst is how many QoS 1 messages each publisher sends in the
// node-kill test, and killAfter how many of the cross-node publisher's
// must be acknowledged before the node dies.
const (
	killBurst = 600
	killAfter = 150
	// killDeliveryWait bounds the wait for the last acknowledged
	// message: a replay reads for the bus's StoreDelay (19 s) and its
	// consumer may wait for a JetStream leader election first.
	killDeliveryWait = 60 * time.Second
)

// Three hob processes; a persistent subscriber and a publisher on n1, a
// publisher on n2. n1 is killed with SIGKILL in the middle of the burst:
// the clients reconnect to n3, the subscriber's session resumes there,
// and every QoS 1 message acknowledged to a publisher reaches it.
func TestCluster_NodeKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three hob processes")
	}
	c := testutil.StartProcCluster(t, 3, testutil.BuildHob(t))
	n1, n2, n3 := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	d := provisionWithPolicy(t, n1.Server, n1.IoT(t), "kill-dev", rulesPolicy)

	sub, _, err := dialAddr(t, d, n1.MQTTAddr, "kill-sub", false)
	if err != nil {
		t.Fatal(err)
	}
	sub.subscribe(t, "burst/+", 1)
	pubB, _, err := dialAddr(t, d, n2.MQTTAddr, "kill-pub-b", true)
	if err != nil {
		t.Fatal(err)
	}
	awaitRoute(t, pubB, sub, "burst/b")

	pubA, _, err := dialAddr(t, d, n1.MQTTAddr, "kill-pub-a", true)
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	acked := map[string]*ackLog{"burst/a": {}, "burst/b": {}}
	wg.Go(func() { publishThroughKill(t, d, pubA, "kill-pub-a", n3.MQTTAddr, "burst/a", acked["burst/a"]) })
	wg.Go(func() { publishThroughKill(t, d, pubB, "kill-pub-b", n2.MQTTAddr, "burst/b", acked["burst/b"]) })
	waitFor(t, "the burst to be under way", func() bool { return acked["burst/b"].count() >= killAfter })
	n1.Kill(t)

	// The subscriber's connection ends with n1; it resumes its session on n3.
	select {
	case <-sub.lost:
	case <-time.After(20 * time.Second):
		t.Fatal("the subscriber's connection outlived its node")
	}
	var resumed *clusterClient
	waitFor(t, "the subscriber to resume its session on n3", func() bool {
		cc, present, err := dialAddr(t, d, n3.MQTTAddr, "kill-sub", false)
		if err != nil {
			return false
		}
		if !present {
			t.Error("CONNACK on n3 did not say Session Present")
		}
		resumed = cc
		return true
	})
	wg.Wait()
	for topic, log := range acked {
		delivered := func(p string) bool { return sub.count(topic, p)+resumed.count(topic, p) > 0 }
		// A message that reached n3 before the session did is replayed
		// from the durable stream, which may be electing a leader first.
		if !waitUntil(killDeliveryWait, func() bool { return len(log.missing(delivered)) == 0 }) {
			lost := log.missing(delivered)
			t.Fatalf("%s: %d of %d acknowledged messages never reached the subscriber: %v", topic, len(lost), log.count(), lost[:min(len(lost), 20)])
		}
		if log.count() < killBurst/2 {
			t.Errorf("%s: only %d of %d messages acknowledged", topic, log.count(), killBurst)
		}
		t.Logf("%s: %d acknowledged, all delivered", topic, log.count())
	}
}

// ackLog is the payloads a publisher got PUBACK for.
type ackLog struct {
	mu   sync.Mutex
	acks []string
	n    atomic.Int64
}

func (l *ackLog) add(p string) {
	l.mu.Lock()
	l.acks = append(l.acks, p)
	l.mu.Unlock()
	l.n.Add(1)
}

func (l *ackLog) count() int { return int(l.n.Load()) }

// missing returns the acknowledged payloads for which delivered is false.
func (l *ackLog) missing(delivered func(string) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var lost []string
	for _, p := range l.acks {
		if !delivered(p) {
			lost = append(lost, p)
		}
	}
	return lost
}

// publishThroughKill publishes killBurst QoS 1 messages on topic through
// cc, recording those acknowledged. When a PUBACK does not come (the
// node died, or its cluster is electing a new JetStream leader, which
// takes seconds) it reconnects clientID to the address to and goes on
// with the next message: the one in flight may or may not have arrived,
// as it was never acknowledged.
func publishThroughKill(t *testing.T, d device, cc *clusterClient, clientID, to, topic string, log *ackLog) {
	for i := 0; i < killBurst; i++ {
		p := fmt.Sprintf("%s-%d", clientID, i)
		tok := cc.Publish(topic, 1, false, p)
		if tok.WaitTimeout(20*time.Second) && tok.Error() == nil {
			log.add(p)
			continue
		}
		cc.Disconnect(0)
		cc = redial(t, d, clientID, to)
		if cc == nil {
			return
		}
	}
}

// redial connects clientID to addr, retrying for 30 s while the cluster
// notices the dead node.
func redial(t *testing.T, d device, clientID, addr string) *clusterClient {
	deadline := time.Now().Add(30 * time.Second)
	for {
		cc, _, err := dialAddr(t, d, addr, clientID, true)
		if err == nil {
			return cc
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: reconnecting to %s: %v", clientID, addr, err)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}
