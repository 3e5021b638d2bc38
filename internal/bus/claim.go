package bus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

// Claim makes this node the owner of clientID, so that exactly one node
// holds a client's connection and session. Ownership is an entry of the
// hob_owners KV bucket, changed only by compare-and-swap on its revision,
// so two nodes can never both own a client id:
//   - no entry: Claim creates one;
//   - this node owns it: Claim rewrites it (a read may be stale: every
//     Claim ends with a successful compare-and-swap);
//   - node X owns it: Claim asks X to surrender it (X's Handler.Surrender
//     runs, then X answers), then swaps the owner to this node. When X has
//     no subscription (it is gone) Claim goes ahead at once; when X does
//     not answer within 5 s, Claim goes ahead only if X's heartbeat has
//     stopped (Members), and fails otherwise. When X answers that it
//     could not surrender, Claim fails.
//
// When another node changed the entry in between (or the read was stale),
// Claim pauses briefly and reads it again, at most 10 times (then the
// error wraps ErrContended). Each JetStream request is an attempt of 2 s,
// made again while JetStream does not answer (a stream electing a new
// leader after a node died), until ctx ends, or 30 s when ctx has no
// deadline; Claim fails then, or when JetStream refuses a request.
func (n *Node) Claim(ctx context.Context, clientID string) error {
	if n.closed.Load() {
		return ErrClosed
	}
	ctx, cancel := withKVTimeout(ctx)
	defer cancel()
	key := ownerKey(clientID)
	pause := claimPause
	for attempt := range maxClaimAttempts {
		if attempt > 0 {
			if err := wait(ctx, rand.N(pause)+pause/2); err != nil {
				return fmt.Errorf("bus: claim %q: %w", clientID, err)
			}
			pause = min(2*pause, claimPauseMax)
		}
		done, err := n.claimOnce(ctx, clientID, key)
		if err != nil {
			return fmt.Errorf("bus: claim %q: %w", clientID, err)
		}
		if done {
			return nil
		}
	}
	return fmt.Errorf("bus: claim %q: %w (%d attempts)", clientID, ErrContended, maxClaimAttempts)
}

// claimOnce makes one round of Claim; done is false when another node
// changed the entry since it was read.
func (n *Node) claimOnce(ctx context.Context, clientID, key string) (done bool, err error) {
	me := []byte(n.cfg.NodeID)
	e, err := n.kvGet(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		err = n.kvCreate(ctx, key, me)
		if errors.Is(err, jetstream.ErrKeyExists) {
			return false, nil
		}
		return err == nil, wrapKV("create", err)
	}
	if err != nil {
		return false, wrapKV("read", err)
	}
	// Even when the entry names this node, write it again by revision:
	// the read may have been stale, and only a successful swap proves
	// that nobody took the client id over since.
	if owner := string(e.Value()); owner != n.cfg.NodeID {
		if err := n.askSurrender(ctx, owner, clientID); err != nil {
			return false, err
		}
	}
	err = n.kvUpdate(ctx, key, me, e.Revision())
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, nil
	}
	return err == nil, wrapKV("update", err)
}

// wrapKV says which KV operation on the owners bucket failed.
func wrapKV(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s the owner entry in %s: %w", op, ownersBucket, err)
}

// askSurrender asks node owner to give clientID up and waits for its
// answer; nil means this node may take the client id over.
func (n *Node) askSurrender(ctx context.Context, owner, clientID string) error {
	if !validName(owner) {
		n.log.Warn("bus: the owner entry names no valid node; taking it over", "clientId", clientID, "owner", owner)
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, surrenderTimeout)
	defer cancel()
	reply, err := n.nc.RequestWithContext(rctx, subjectNode+owner+surrenderSuffix, []byte(clientID))
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		n.log.Info("bus: the owning node is gone; taking the client id over", "clientId", clientID, "owner", owner)
		return nil
	case err != nil && ctx.Err() == nil && rctx.Err() != nil:
		if n.isMember(owner) {
			return fmt.Errorf("node %s, which owns it, did not surrender it within %v", owner, surrenderTimeout)
		}
		n.log.Info("bus: the owning node is silent; taking the client id over", "clientId", clientID, "owner", owner)
		return nil
	case err != nil:
		return fmt.Errorf("ask node %s to surrender it: %w", owner, err)
	case len(reply.Data) > 0:
		return fmt.Errorf("node %s could not surrender it: %s", owner, reply.Data)
	}
	return nil
}

// onSurrender answers another node's claim on a client id this node owns:
// Handler.Surrender runs in a goroutine of its own, and the answer is
// empty when it succeeded, its error otherwise.
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
		if err := m.Respond(answer); err != nil && !n.closed.Load() {
			n.log.Warn("bus: answering a surrender request failed", "clientId", clientID, "err", err)
		}
	})
	if !ran {
		_ = m.Respond([]byte("the node is closing"))
	}
}

// Release gives up this node's ownership of clientID, e.g. when its
// session ended: it deletes the entry if this node still owns it,
// checking the revision so that a node that claimed it meanwhile keeps
// it. Failures are logged: an entry left behind costs the next claimer
// one request, which finds no session here.
func (n *Node) Release(clientID string) {
	if n.closed.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, releaseTimeout)
	defer cancel()
	key := ownerKey(clientID)
	e, err := n.kvGet(ctx, key)
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			n.log.Warn("bus: release: reading the owner entry failed", "clientId", clientID, "err", err)
		}
		return
	}
	if string(e.Value()) != n.cfg.NodeID {
		return
	}
	err = n.kvDelete(ctx, key, e.Revision())
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
	e, err := n.kvGet(ctx, ownerKey(clientID))
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("bus: owner of %q: %w", clientID, wrapKV("read", err))
	}
	return string(e.Value()), nil
}
