package broker

import (
	"sync/atomic"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Stats is a snapshot of the broker's counters, for metrics. Counters
// only grow; the fields documented as gauges go up and down.
type Stats struct {
	Connections      int64  // gauge: connections with a session
	ConnectionsTotal uint64 // CONNACKs with success
	ConnectsRefused  uint64 // CONNECTs answered with a failure or closed
	Sessions         int64  // gauge: sessions, online or not
	Retained         int64  // gauge: retained messages
	Queued           int64  // gauge: QoS 1 and 2 messages waiting in sessions
	Inflight         int64  // gauge: QoS 1 and 2 messages sent and not yet acknowledged

	// PUBLISH packets and their bytes (whole packets, fixed header
	// included), by QoS.
	MessagesIn  [3]uint64
	BytesIn     [3]uint64
	MessagesOut [3]uint64
	BytesOut    [3]uint64

	// Messages not delivered, by reason.
	DroppedQueueFull   uint64 // QoS 0: the connection's outbound queue was full
	DroppedSessionFull uint64 // QoS 1: the session held MaxQueuedPerSession messages
	DroppedExpired     uint64 // MQTT 5 Message Expiry Interval passed
	DroppedTooLarge    uint64 // larger than the client's Maximum Packet Size
	DroppedOffline     uint64 // QoS 0 to an offline session or shared group

	// Refusals.
	AuthFailures     uint64 // Authenticate failed or no client certificate
	DeniedConnect    uint64 // iot:Connect (or the will's iot:Publish) denied
	DeniedPublish    uint64 // iot:Publish or iot:RetainPublish denied
	DeniedSubscribe  uint64 // iot:Subscribe denied
	DeniedReceive    uint64 // iot:Receive denied: delivery dropped
	ProtocolErrors   uint64 // malformed packets and protocol violations
	KeepAliveTimeout uint64
	Takeovers        uint64 // connections closed by a newer one with their client id
	StoreErrors      uint64 // durable writes that failed

	// PUBLISHes refused with 0x99: Payload Format Indicator 1 on a payload
	// that is not UTF-8 (also counted in ProtocolErrors).
	PayloadFormatInvalid uint64
	// Requests refused by the optional rate limits (Config.MaxConnectsPerSecond,
	// MaxPublishesPerSecond, MaxPublishBytesPerSecond): CONNECTs and PUBLISHes.
	ThrottledConnects  uint64
	ThrottledPublishes uint64

	// Parked is how many connections are idle without goroutines now
	// (Config.IdleAfter; park.go).
	Parked int64

	// Cluster traffic (Config.Cluster): messages other nodes forwarded
	// here, forwards that failed, and messages from the cluster that did
	// not decode.
	ClusterReceived      uint64
	ClusterForwardFailed uint64
	ClusterBadMessages   uint64
	// ClusterReplayed counts durable messages replayed into sessions
	// taken from a node that was gone or restarted.
	ClusterReplayed uint64
}

// counters holds the live values behind Stats.
type counters struct {
	connections, sessions, retained                           atomic.Int64
	connectionsTotal, connectsRefused                         atomic.Uint64
	msgsIn, bytesIn, msgsOut, bytesOut                        [3]atomic.Uint64
	dropQueue, dropSession, dropExpired, dropLarge, dropOffl  atomic.Uint64
	authFail, denyConnect, denyPublish, denySub, denyRecv     atomic.Uint64
	protocol, keepAlive, takeovers, storeErrors               atomic.Uint64
	badPayload, throttledConnects, throttledPublishes         atomic.Uint64
	clusterReceived, clusterForwardFailed, clusterBadMessages atomic.Uint64
	clusterReplayed                                           atomic.Uint64
}

// in counts one received PUBLISH of n bytes.
func (c *counters) in(q packet.QoS, n int) {
	c.msgsIn[min(q, 2)].Add(1)
	c.bytesIn[min(q, 2)].Add(uint64(n))
}

// out counts one sent PUBLISH of n bytes.
func (c *counters) out(q packet.QoS, n int) {
	c.msgsOut[min(q, 2)].Add(1)
	c.bytesOut[min(q, 2)].Add(uint64(n))
}

// Stats returns a snapshot of the broker's counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	st := Stats{
		Connections: c.connections.Load(), ConnectionsTotal: c.connectionsTotal.Load(),
		ConnectsRefused: c.connectsRefused.Load(), Sessions: c.sessions.Load(), Retained: c.retained.Load(),
		DroppedQueueFull: c.dropQueue.Load(), DroppedSessionFull: c.dropSession.Load(),
		DroppedExpired: c.dropExpired.Load(), DroppedTooLarge: c.dropLarge.Load(), DroppedOffline: c.dropOffl.Load(),
		AuthFailures: c.authFail.Load(), DeniedConnect: c.denyConnect.Load(), DeniedPublish: c.denyPublish.Load(),
		DeniedSubscribe: c.denySub.Load(), DeniedReceive: c.denyRecv.Load(), ProtocolErrors: c.protocol.Load(),
		KeepAliveTimeout: c.keepAlive.Load(), Takeovers: c.takeovers.Load(), StoreErrors: c.storeErrors.Load(),
		PayloadFormatInvalid: c.badPayload.Load(), ThrottledConnects: c.throttledConnects.Load(),
		ThrottledPublishes: c.throttledPublishes.Load(), ClusterReceived: c.clusterReceived.Load(),
		ClusterForwardFailed: c.clusterForwardFailed.Load(), ClusterBadMessages: c.clusterBadMessages.Load(), ClusterReplayed: c.clusterReplayed.Load(),
	}
	st.Queued, st.Inflight = s.queueDepths()
	st.Parked = int64(s.poller.count())
	for q := range 3 {
		st.MessagesIn[q], st.BytesIn[q] = c.msgsIn[q].Load(), c.bytesIn[q].Load()
		st.MessagesOut[q], st.BytesOut[q] = c.msgsOut[q].Load(), c.bytesOut[q].Load()
	}
	return st
}

// Traffic answers the connections now and the PUBLISH packets received
// and sent since start, all QoS together: the few counters a live view
// polls, without Stats' walk over every session.
func (s *Server) Traffic() (connections int64, in, out uint64) {
	c := &s.stats
	for q := range 3 {
		in += c.msgsIn[q].Load()
		out += c.msgsOut[q].Load()
	}
	return c.connections.Load(), in, out
}

// queueDepths sums the sessions' waiting and in-flight messages. It
// visits every session, which is fine at metrics-scrape rates.
func (s *Server) queueDepths() (queued, inflight int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ss := range s.sessions {
		ss.mu.Lock()
		queued += int64(ss.pending.len())
		inflight += int64(len(ss.inflight))
		ss.mu.Unlock()
	}
	return queued, inflight
}
