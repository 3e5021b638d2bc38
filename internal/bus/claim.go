package bus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Claim timing.
const (
	// surrenderTimeout bounds Claim's request to the owning node.
	surrenderTimeout = 5 * time.Second
	// surrenderBudget bounds Handler.Surrender on the owning node; it is
	// shorter than surrenderTimeout so that the answer arrives in time.
	surrenderBudget = 4 * time.Second
	// maxClaimAttempts bounds Claim's rounds when other nodes keep
	// changing the owner between its read and its write, or when its read
	// was stale: KV reads may be served by a replica that lags the
	// stream's leader by a few milliseconds. claimPause is the first pause
	// between rounds; it doubles each round, up to claimPauseMax.
	maxClaimAttempts = 10
	claimPause       = 10 * time.Millisecond
	claimPauseMax    = 500 * time.Millisecond
	// releaseTimeout bounds Release.
	releaseTimeout = 5 * time.Second
)

// ErrContended is wrapped by Claim's error when other nodes kept claiming
// the same client id.
var ErrContended = errors.New("other nodes keep claiming the client id")

// Claimed is what Claim found: who held the client id before, and whether
// that holder lost the session instead of handing it over, so that the
// caller can replay (Replay) what the session may have missed.
type Claimed struct {
	// Previous is the node that owned the client id before this claim; ""
	// when none did. It may be this node's own id: the client id was
	// claimed here before, by this run of the node or an earlier one.
	Previous string
	// Lost reports that the run of Previous that claimed the client id
	// is gone without having surrendered it: Previous did not answer (no
	// responders, or silent past its heartbeats), or Previous has
	// restarted since (another node's new run answered, or Previous is
	// this node and the claim is from an earlier run of it). Whatever
	// that run had received for the session but not yet made durable in
	// the store is lost. Lost is also set when, in a race with another
	// claimer, an earlier round of the claim found a lost holder.
	Lost bool
	// LastAlive is when the lost run was last known alive: its last
	// heartbeat in the hob_nodes bucket (see LastAlive), the earliest one
	// when several rounds found a lost holder. It is zero when Lost is
	// false, and when it is unknown (the run's heartbeats have expired,
	// or an entry from before runs were recorded names another node that
	// has no heartbeat stored).
	LastAlive time.Time
}

// Claim makes this node the owner of clientID, so that exactly one node
// holds a client's connection and session, and reports what it found.
// Ownership is an entry of the hob_owners KV bucket naming the run of the
// node that claimed it (node id and boot id), changed only by
// compare-and-swap on its revision, so two nodes can never both own a
// client id:
//   - no entry: Claim creates one;
//   - this node owns it: Claim rewrites it (a read may be stale: every
//     Claim ends with a successful compare-and-swap);
//   - node X owns it: Claim asks X to surrender it (X's Handler.Surrender
//     runs, then X answers with its boot id), then swaps the owner to this
//     node. When X has no subscription (it is gone) Claim goes ahead at
//     once; when X does not answer within 5 s, Claim goes ahead only if
//     X's heartbeat has stopped (Members), and fails otherwise. When X
//     answers that it could not surrender, Claim fails.
//
// Claimed.Lost says when the run that held the client id is gone; then
// Claimed.LastAlive is read from the hob_nodes bucket.
//
// When another node changed the entry in between (or the read was stale),
// Claim pauses briefly and reads it again, at most 10 times (then the
// error wraps ErrContended). Each JetStream request is an attempt of 2 s,
// made again while JetStream does not answer (a stream electing a new
// leader after a node died), until ctx ends, or 30 s when ctx has no
// deadline; Claim fails then, or when JetStream refuses a request.
func (n *Node) Claim(ctx context.Context, clientID string) (Claimed, error) {
	if n.closed.Load() {
		return Claimed{}, ErrClosed
	}
	ctx, cancel := withKVTimeout(ctx)
	defer cancel()
	key := ownerKey(clientID)
	pause := claimPause
	var found Claimed // Lost and LastAlive gather over the rounds
	for attempt := range maxClaimAttempts {
		if attempt > 0 {
			if err := wait(ctx, rand.N(pause)+pause/2); err != nil {
				return Claimed{}, fmt.Errorf("bus: claim %q: %w", clientID, err)
			}
			pause = min(2*pause, claimPauseMax)
		}
		done, round, err := n.claimOnce(ctx, clientID, key)
		if err != nil {
			return Claimed{}, fmt.Errorf("bus: claim %q: %w", clientID, err)
		}
		if round.Lost {
			if !found.Lost || earlier(round.LastAlive, found.LastAlive) {
				found.LastAlive = round.LastAlive
			}
			found.Lost = true
		}
		if done {
			found.Previous = round.Previous
			return found, nil
		}
	}
	return Claimed{}, fmt.Errorf("bus: claim %q: %w (%d attempts)", clientID, ErrContended, maxClaimAttempts)
}

// earlier reports whether a is before b, where zero (unknown) is the
// earliest of all: a replay from an unknown point must start at the
// beginning.
func earlier(a, b time.Time) bool {
	return !b.IsZero() && (a.IsZero() || a.Before(b))
}

// holder is the run named by an owner entry. run is "" for an entry that
// names the node only.
type holder struct{ node, run string }

// parseHolder reads an owner entry's value: runKey's form, or a node id.
func parseHolder(value []byte) holder {
	node, run, _ := strings.Cut(string(value), ".")
	return holder{node: node, run: run}
}

// claimOnce makes one round of Claim; done is false when another node
// changed the entry since it was read. found tells the holder it met.
func (n *Node) claimOnce(ctx context.Context, clientID, key string) (done bool, found Claimed, err error) {
	me := []byte(n.runKey())
	e, err := kvGet(ctx, n.kv, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		err = kvCreate(ctx, n.kv, key, me)
		if errors.Is(err, jetstream.ErrKeyExists) {
			return false, Claimed{}, nil
		}
		return err == nil, Claimed{}, wrapKV("create", err)
	}
	if err != nil {
		return false, Claimed{}, wrapKV("read", err)
	}
	h := parseHolder(e.Value())
	found.Previous = h.node
	switch {
	case h.node == n.cfg.NodeID:
		// An entry of this node's is this run's, or an earlier run's
		// that died or closed holding the session. Even when it is this
		// run's, write it again by revision: the read may have been
		// stale, and only a successful swap proves that nobody took the
		// client id over since.
		found.Lost = h.run != n.boot
	default:
		lost, err := n.askSurrender(ctx, h, clientID)
		if err != nil {
			return false, Claimed{}, err
		}
		found.Lost = lost
	}
	if found.Lost {
		found.LastAlive = n.holderAlive(ctx, h)
	}
	err = kvUpdate(ctx, n.kv, key, me, e.Revision())
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, found, nil
	}
	return err == nil, found, wrapKV("update", err)
}

// holderAlive returns when the run h was last alive, or zero when that
// is unknown; a failed read is logged, and counts as unknown.
func (n *Node) holderAlive(ctx context.Context, h holder) time.Time {
	key := h.node + "." + h.run
	switch {
	case !validName(h.node):
		return time.Time{}
	case h.run == "" && h.node == n.cfg.NodeID:
		return n.prevAlive // the entry predates this run
	case h.run == "":
		key = h.node
	}
	at, err := n.readAlive(ctx, key)
	if err != nil {
		n.log.Warn("bus: reading when a lost node was last alive failed", "node", h.node, "err", err)
	}
	return at
}

// wrapKV says which KV operation on the owners bucket failed.
func wrapKV(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s the owner entry in %s: %w", op, ownersBucket, err)
}

// askSurrender asks the node of h to give clientID up and waits for its
// answer; nil means this node may take the client id over, and lost
// whether the run h lost the session instead of surrendering it.
func (n *Node) askSurrender(ctx context.Context, h holder, clientID string) (lost bool, err error) {
	if !validName(h.node) {
		n.log.Warn("bus: the owner entry names no valid node; taking it over", "clientId", clientID, "owner", h.node)
		return true, nil
	}
	rctx, cancel := context.WithTimeout(ctx, surrenderTimeout)
	defer cancel()
	reply, err := n.nc.RequestWithContext(rctx, subjectNode+h.node+surrenderSuffix, []byte(clientID))
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		n.log.Info("bus: the owning node is gone; taking the client id over", "clientId", clientID, "owner", h.node)
		return true, nil
	case err != nil && ctx.Err() == nil && rctx.Err() != nil:
		if n.isMember(h.node) {
			return false, fmt.Errorf("node %s, which owns it, did not surrender it within %v", h.node, surrenderTimeout)
		}
		n.log.Info("bus: the owning node is silent; taking the client id over", "clientId", clientID, "owner", h.node)
		return true, nil
	case err != nil:
		return false, fmt.Errorf("ask node %s to surrender it: %w", h.node, err)
	case len(reply.Data) > 0:
		return false, fmt.Errorf("node %s could not surrender it: %s", h.node, reply.Data)
	}
	if h.run != "" && reply.Header.Get(hdrBoot) != h.run {
		n.log.Info("bus: the owning node has restarted since it claimed the client id; its session was lost there",
			"clientId", clientID, "owner", h.node)
		return true, nil
	}
	return false, nil
}

// onSurrender answers another node's claim on a client id this node owns:
// Handler.Surrender runs in a goroutine of its own, and the answer is
// empty when it succeeded, its error otherwise. The answer's Hob-Boot
// header names this run, so that the claimer can tell whether the run
// that claimed the client id is still this one.
func (n *Node) onSurrender(m *nats.Msg) {
	clientID := string(m.Data)
	ran := n.goRun(func() {
		ctx, cancel := context.WithTimeout(n.ctx, surrenderBudget)
		defer cancel()
		var answer []byte
		if err := n.cfg.Handler.Surrender(ctx, clientID); err != nil {
			answer = fmt.Appendf(nil, "%v", err)
			if len(answer) == 0 {
				answer = []byte("surrender failed")
			}
			n.log.Warn("bus: surrendering a client id failed", "clientId", clientID, "err", err)
		}
		reply := &nats.Msg{Data: answer, Header: nats.Header{hdrBoot: {n.boot}}}
		if err := m.RespondMsg(reply); err != nil && !n.closed.Load() {
			n.log.Warn("bus: answering a surrender request failed", "clientId", clientID, "err", err)
		}
	})
	if !ran {
		_ = m.Respond([]byte("the node is closing"))
	}
}

// Release gives up this node's ownership of clientID, e.g. when its
// session ended: it deletes the entry if this node (any run of it) still
// owns it, checking the revision so that a node that claimed it meanwhile
// keeps it. Failures are logged: an entry left behind costs the next claimer
// one request, which finds no session here.
func (n *Node) Release(clientID string) {
	if n.closed.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, releaseTimeout)
	defer cancel()
	key := ownerKey(clientID)
	e, err := kvGet(ctx, n.kv, key)
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			n.log.Warn("bus: release: reading the owner entry failed", "clientId", clientID, "err", err)
		}
		return
	}
	if parseHolder(e.Value()).node != n.cfg.NodeID {
		return
	}
	err = kvDelete(ctx, n.kv, key, e.Revision())
	if err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		n.log.Warn("bus: release: deleting the owner entry failed", "clientId", clientID, "err", err)
	}
}

// Owner returns the node that owns clientID, or "" when none does. The
// read may be served by a replica that lags by milliseconds.
func (n *Node) Owner(ctx context.Context, clientID string) (string, error) {
	if n.closed.Load() {
		return "", ErrClosed
	}
	ctx, cancel := withKVTimeout(ctx)
	defer cancel()
	e, err := kvGet(ctx, n.kv, ownerKey(clientID))
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("bus: owner of %q: %w", clientID, wrapKV("read", err))
	}
	return parseHolder(e.Value()).node, nil
}
