package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// nodesBucket is the JetStream KV bucket of heartbeats: under the key of
// a node id, and under the key of each run of a node (runKey), the Unix
// time in milliseconds, as decimal text, of its last heartbeat. Entries
// expire after nodesTTL without a heartbeat.
const nodesBucket = "hob_nodes"

// nodesTTL is how long the heartbeat of a node or run that has stopped
// stays known. A day is far longer than DurableMaxAge's default: a replay
// from an older point than the durable stream keeps finds nothing more.
const nodesTTL = 24 * time.Hour

// runKey names this run of the node in the owners and nodes buckets:
// node id "." boot id (both valid KV key tokens).
func (n *Node) runKey() string { return n.cfg.NodeID + "." + n.boot }

// openNodes creates or opens the nodes bucket, keeps this node's last
// heartbeat from before this run (prevAlive), and stores this run's
// first heartbeat, so that every run that can claim a client id has one.
func (n *Node) openNodes(ctx context.Context) error {
	kv, e, err := n.openBucket(ctx, jetstream.KeyValueConfig{
		Bucket:      nodesBucket,
		Description: "hob: when each node, and each run of a node, was last alive",
		Replicas:    n.cfg.replicas(),
		Storage:     jetstream.FileStorage,
		TTL:         nodesTTL,
	}, n.cfg.NodeID)
	if err != nil {
		return err
	}
	n.nodes = kv
	if e != nil {
		at, err := parseAlive(e.Value())
		if err != nil {
			n.log.Warn("bus: this node's last heartbeat is unreadable", "bucket", nodesBucket, "err", err)
		}
		n.prevAlive = at
		n.log.Info("bus: this node ran before", "node", n.cfg.NodeID, "lastAlive", at)
	}
	if err := n.storeAlive(ctx, time.Now()); err != nil {
		return fmt.Errorf("store the first heartbeat in KV bucket %s: %w", nodesBucket, err)
	}
	return nil
}

// aliveLoop stores this node's heartbeat in the nodes bucket every
// second until the node closes. A failed write is retried at the next
// beat: meanwhile the stored time falls behind, which only makes a
// replay after this node's death start earlier.
func (n *Node) aliveLoop() {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-t.C:
		case <-n.ctx.Done():
			return
		}
		if n.closed.Load() {
			return
		}
		ctx, cancel := context.WithTimeout(n.ctx, attemptTimeout)
		err := n.storeAlive(ctx, time.Now())
		cancel()
		switch {
		case err != nil && !failing && !n.closed.Load():
			n.log.Warn("bus: storing the heartbeat failed", "bucket", nodesBucket, "err", err)
		case err == nil && failing:
			n.log.Info("bus: storing the heartbeat works again", "bucket", nodesBucket)
		}
		failing = err != nil
	}
}

// storeAlive stores at as this node's and this run's last heartbeat, each
// in one attempt (bounded by ctx).
func (n *Node) storeAlive(ctx context.Context, at time.Time) error {
	v := []byte(strconv.FormatInt(at.UnixMilli(), 10))
	if _, err := n.nodes.Put(ctx, n.runKey(), v); err != nil {
		return err
	}
	_, err := n.nodes.Put(ctx, n.cfg.NodeID, v)
	return err
}

// LastAlive returns when node nodeID was last alive: the time of its last
// heartbeat in the hob_nodes bucket (written every second by its own
// clock, by any run of the node), or zero when none is stored (no such
// node, or silent for more than a day). For this node it is this run's
// latest heartbeat; the one from before this run is in Claimed when this
// node claims a client id an earlier run held. Reads are retried like
// Claim's (bounded by ctx, or 30 s).
func (n *Node) LastAlive(ctx context.Context, nodeID string) (time.Time, error) {
	if n.closed.Load() {
		return time.Time{}, ErrClosed
	}
	if !validName(nodeID) {
		return time.Time{}, fmt.Errorf("bus: last alive: node id %q must be one or more of [A-Za-z0-9_-]", nodeID)
	}
	ctx, cancel := withKVTimeout(ctx)
	defer cancel()
	at, err := n.readAlive(ctx, nodeID)
	if err != nil {
		return time.Time{}, fmt.Errorf("bus: last alive of node %s: %w", nodeID, err)
	}
	return at, nil
}

// readAlive reads a heartbeat entry of the nodes bucket; zero when there
// is none.
func (n *Node) readAlive(ctx context.Context, key string) (time.Time, error) {
	e, err := kvGet(ctx, n.nodes, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("read %s in %s: %w", key, nodesBucket, err)
	}
	return parseAlive(e.Value())
}

// parseAlive reads a heartbeat entry's value.
func parseAlive(v []byte) (time.Time, error) {
	ms, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, fmt.Errorf("heartbeat entry %.32q is not a time in Unix milliseconds", v)
	}
	return time.UnixMilli(ms), nil
}
