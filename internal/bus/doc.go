// Package bus connects hob nodes that share one PostgreSQL store into a
// cluster over NATS (spec scaleout.md §3.1, ARCHITECTURE.md "Scale-out"):
// it forwards MQTT messages to the nodes with interest in them, spreads
// retained-message changes and cache invalidations, decides which node
// owns each client id, and tracks which nodes are alive. It knows nothing
// of MQTT sessions or the store: the node on top implements Handler.
//
// # Basics
//
// Start joins a node to the bus in one of three modes (Config): connected
// to external NATS servers by URL (the recommended scale-out), running an
// embedded server that clusters with the other nodes' over NATS routes,
// or running an embedded server alone (DontListen, in-process connection:
// a single node that opens no port). The node's methods are the same in
// every mode. Close leaves the bus; Healthy says whether the node is
// connected.
//
// Messages. Forward publishes a message on its topic's subject (Subject);
// Interest and NoInterest keep, ref-counted, the subscriptions of this
// node's filters (FilterSubjects), so NATS sends a message only to nodes
// with interest, and the Handler's DeliverRemote delivers it there. A node
// never gets its own messages back (NoEcho; a header names the origin).
// Several matching filters do not make several deliveries: each forwarded
// message carries its origin's run and sequence number, and the receiver
// drops the copies (see dedup).
//
// Durable messages. Forward with durable set (QoS 1) publishes on the
// subject's durable twin ("hob.dm." for "hob.m.") instead, through
// JetStream: the stream HOB_DURABLE captures that space, and Forward
// returns once a majority of the stream's replicas has stored the
// message. ForwardAsync does the same without waiting: it returns once the
// message is sent, and calls its done later, in the order of the calls,
// from one collector goroutine per node that takes the stream's acks in
// that order (and retries a failed message there, before settling the
// next); at most MaxPendingDurable messages wait so. Interest subscribes
// to both spaces, so live delivery is the same for both kinds, in one
// order and deduplicated alike. What the
// stream keeps (DurableMaxAge, DurableMaxBytes) is for Replay: a session
// that resumes on another node after its node died gets, from there, what
// it may have missed.
//
// Retained and Broadcast reach every other node (ApplyRetained,
// Invalidate), heartbeats on "hob.hb" make Members, and Claim and Release
// keep the owner of each client id in the JetStream KV bucket hob_owners,
// by compare-and-swap, asking the previous owner to Surrender first. An
// owner entry names the run of the node that claimed it (node id and a
// random boot id per Start); each run also stores its heartbeat in the KV
// bucket hob_nodes every second. So Claim can say whether the run that
// held a client id is gone without surrendering it (Claimed.Lost: dead,
// closed, or restarted since) and when it was last alive, from which the
// caller replays.
//
// # Subjects
//
//	hob.m.<levels>              messages on topics not starting with '$'
//	hob.s.<levels>              messages on '$' topics ($aws/...)
//	hob.dm.<levels>             durable messages (stream HOB_DURABLE)
//	hob.ds.<levels>             durable messages on '$' topics (HOB_DURABLE)
//	hob.retained                retained-message changes
//	hob.inv.<kind>              Broadcast
//	hob.hb                      heartbeats
//	hob.node.<id>.surrender     Claim's request to the owning node
//	$KV.hob_owners.<sha256>     client-id owners: "<node id>.<boot id>"
//	$KV.hob_nodes.<id>          a node's last heartbeat (Unix ms)
//	$KV.hob_nodes.<id>.<boot>   a run's last heartbeat (Unix ms)
//
// The topic-to-subject mapping is injective, unlike nats-server's own MQTT
// mapping (which lets '*' and '>' through, spec §1.4): no topic widens a
// subscription. '$' topics have their own prefix so that the filters `#`
// and `+/...` do not receive them [MQTT-4.7.2-1].
//
// # Caveats
//
//   - Core NATS delivers at most once: a message forwarded without
//     durable while a node is disconnected is lost for it. The store is
//     the record of retained messages and sessions; the bus only spreads
//     changes.
//   - Durable messages are delivered live at most once as well (more than
//     once when the stream was slow to answer and Forward tried again);
//     what makes them survive a node is the stream, through Claim and
//     Replay, which the caller must do: Replay from somewhat before
//     Claimed.LastAlive (a heartbeat is written by the dead node's clock,
//     every second, and it may have received messages shortly before its
//     last one that it had not yet made durable in the store). Replay
//     does not deduplicate: QoS 1 allows duplicates.
//   - A durable Forward waits for the stream: a few milliseconds
//     normally, up to 15 s while the stream elects a new leader after its
//     leader's node died (nats-server waits 4 to 9 s before an election).
//     Without a quorum of the stream's replicas it fails. ForwardAsync's
//     done comes as late, and holds up the later ones meanwhile.
//   - A ForwardAsync message whose attempt failed is sent again after the
//     later messages already sent: the stream, and the nodes with
//     interest, may then have them in another order than the calls (done
//     calls keep the calls' order). Once one retry succeeds, the collector
//     sends every later message whose attempt failed again at once, so
//     that they need not wait for one retry each.
//   - FilterSubjects follows MQTT's `a/#` (which matches `a`); AWS IoT's
//     `a/#` does not, so the receiving node's own matching must decide
//     (the broker matches every delivery against its subscriptions anyway).
//   - A shared subscription is interest in its inner filter, so each node
//     with a member of the group delivers the message to one of its
//     members: one delivery per node, not per cluster.
//   - Messages on hob.m, hob.s, hob.dm and hob.ds without hob's headers
//     (e.g. published by a plain NATS client) are dropped and counted in
//     Stats.Dropped.
//   - An embedded clustered node's Start waits for a JetStream quorum, so
//     peers must start together; its KV buckets' and durable stream's
//     replicas default to min(3, number of servers in Routes).
//   - With external servers, the buckets and the stream use 1 replica
//     unless Config.Replicas says otherwise: set it to 3 for a 3-server
//     cluster, or durable messages do not survive the server that holds
//     them. JetStream reserves DurableMaxBytes (1 GiB by default) on
//     each server holding the stream when it creates it.
package bus
