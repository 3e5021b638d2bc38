package bus

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Connection settings.
const (
	reconnectWait = 250 * time.Millisecond
	drainTimeout  = 5 * time.Second
	// pingInterval and maxPingsOut make a connection to a server that
	// stopped answering fail (and Healthy say so) within about 15 s,
	// instead of nats.go's default of minutes.
	pingInterval = 5 * time.Second
	maxPingsOut  = 2
)

// Subjects of the bus besides forwarded messages (subject.go).
const (
	subjectRetained   = "hob.retained"
	subjectInvalidate = "hob.inv." // + kind
	subjectHeartbeat  = "hob.hb"
	subjectNode       = "hob.node." // + node id + surrenderSuffix
	surrenderSuffix   = ".surrender"
)

// Headers the bus sets. nats.go compares header keys case-sensitively.
const (
	hdrOrigin = "Hob-Origin" // the node that published
	hdrSeq    = "Hob-Seq"    // forwarded messages: boot "/" sequence number
	hdrBoot   = "Hob-Boot"   // heartbeats: the publishing run's boot id
	hdrLeave  = "Hob-Leave"  // a heartbeat that says the node is leaving
)

// connect connects to the embedded server in-process, or to the external
// servers. With external servers it does not wait for them: nats.go keeps
// trying, and Start's JetStream retries bound the wait. The connection
// never echoes this node's own messages back to it (NoEcho).
func (n *Node) connect() error {
	opts := []nats.Option{
		nats.Name("hob " + n.cfg.NodeID),
		nats.NoEcho(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		nats.PingInterval(pingInterval),
		nats.MaxPingsOutstanding(maxPingsOut),
		nats.DrainTimeout(drainTimeout),
		nats.ErrorHandler(n.onAsyncError),
		nats.DisconnectErrHandler(n.onDisconnect),
		nats.ReconnectHandler(n.onReconnect),
		nats.ClosedHandler(func(*nats.Conn) { close(n.connClosed) }),
	}
	url := ""
	if n.srv != nil {
		opts = append(opts, nats.InProcessServer(n.srv))
	} else {
		url = strings.Join(n.cfg.URLs, ",")
		opts = append(opts, nats.RetryOnFailedConnect(true))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("connect to NATS: %w", err)
	}
	n.nc = nc
	return nil
}

// subscribeControl subscribes to the subjects every node listens on. The
// heartbeat comes last: NATS propagates one connection's subscriptions in
// order, so a node that hears this node's peers' heartbeats is known to
// them for the other subjects too.
func (n *Node) subscribeControl() error {
	subs := []struct {
		subject string
		handle  nats.MsgHandler
	}{
		{subjectRetained, n.onRetained},
		{subjectInvalidate + "*", n.onInvalidate},
		{subjectNode + n.cfg.NodeID + surrenderSuffix, n.onSurrender},
		{subjectHeartbeat, n.onHeartbeat},
	}
	for _, s := range subs {
		if _, err := n.nc.Subscribe(s.subject, s.handle); err != nil {
			return fmt.Errorf("subscribe to %s: %w", s.subject, err)
		}
	}
	return nil
}

// fromSelf reports whether m was published by this node. NoEcho keeps
// them away already; this guards against a second connection of the
// same node.
func (n *Node) fromSelf(m *nats.Msg) bool {
	return m.Header.Get(hdrOrigin) == n.cfg.NodeID
}

func (n *Node) onAsyncError(_ *nats.Conn, sub *nats.Subscription, err error) {
	subject := ""
	if sub != nil {
		subject = sub.Subject
	}
	if errors.Is(err, nats.ErrSlowConsumer) {
		n.log.Warn("bus: falling behind; NATS messages are being dropped", "node", n.cfg.NodeID, "subject", subject)
		return
	}
	n.log.Warn("bus: NATS error", "node", n.cfg.NodeID, "subject", subject, "err", err)
}

func (n *Node) onDisconnect(_ *nats.Conn, err error) {
	if n.closed.Load() {
		return
	}
	n.log.Warn("bus: disconnected from NATS", "node", n.cfg.NodeID, "err", err)
}

func (n *Node) onReconnect(nc *nats.Conn) {
	n.log.Info("bus: reconnected to NATS", "node", n.cfg.NodeID, "server", nc.ConnectedUrlRedacted())
}
