package bus

import (
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Heartbeat timing: a node is a member while heard within memberWindow.
const (
	heartbeatEvery = time.Second
	memberWindow   = 3 * time.Second
)

// members records when each other node was last heard.
type members struct {
	mu   sync.Mutex // guards seen
	seen map[string]time.Time
}

// Members returns the ids of the nodes heard within the last 3 s, this
// node included, sorted. A node that closes says so and leaves at once; a
// node that dies or is cut off leaves after 3 s.
func (n *Node) Members() []string {
	now := time.Now()
	ids := []string{n.cfg.NodeID}
	n.members.mu.Lock()
	for id, at := range n.members.seen {
		if now.Sub(at) <= memberWindow {
			ids = append(ids, id)
		}
	}
	n.members.mu.Unlock()
	slices.Sort(ids)
	return ids
}

// isMember reports whether node id was heard within the last 3 s.
func (n *Node) isMember(id string) bool {
	n.members.mu.Lock()
	defer n.members.mu.Unlock()
	at, ok := n.members.seen[id]
	return ok && time.Since(at) <= memberWindow
}

// heartbeatLoop publishes this node's heartbeat every second, and forgets
// nodes long silent, until the node closes.
func (n *Node) heartbeatLoop() {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		n.heartbeat(false)
		n.forgetSilent(time.Now())
		select {
		case <-t.C:
		case <-n.ctx.Done():
			return
		}
	}
}

// heartbeat publishes one heartbeat; leaving says the node is closing.
func (n *Node) heartbeat(leaving bool) {
	if !leaving && n.closed.Load() {
		return // no heartbeats once Close has said goodbye
	}
	h := nats.Header{hdrOrigin: {n.cfg.NodeID}, hdrBoot: {n.boot}}
	if leaving {
		h.Set(hdrLeave, "1")
	}
	m := &nats.Msg{Subject: subjectHeartbeat, Data: []byte(n.cfg.NodeID), Header: h}
	if err := n.nc.PublishMsg(m); err != nil && !leaving {
		n.log.Debug("bus: heartbeat not sent", "err", err)
	}
}

// sayGoodbye tells the other nodes that this one is leaving. Close calls it.
func (n *Node) sayGoodbye() { n.heartbeat(true) }

// forgetSilent drops the nodes not heard for a while, so that seen stays
// as small as the cluster.
func (n *Node) forgetSilent(now time.Time) {
	n.members.mu.Lock()
	defer n.members.mu.Unlock()
	for id, at := range n.members.seen {
		if now.Sub(at) > 10*memberWindow {
			delete(n.members.seen, id)
		}
	}
}

func (n *Node) onHeartbeat(m *nats.Msg) {
	id := string(m.Data)
	if !validName(id) {
		return
	}
	if id == n.cfg.NodeID {
		if m.Header.Get(hdrBoot) != n.boot {
			n.log.Error("bus: another node uses this node's id; node ids must be unique", "node", id)
		}
		return
	}
	n.members.mu.Lock()
	defer n.members.mu.Unlock()
	if m.Header.Get(hdrLeave) != "" {
		delete(n.members.seen, id)
		return
	}
	n.members.seen[id] = time.Now()
}
