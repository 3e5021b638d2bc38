// Package broker is hob's MQTT broker: MQTT 3.1.1 and 5 over mutual TLS,
// WebSocket and ALPN, with IoT policies checked on every packet, behaving
// as AWS IoT Core's broker does (spec aws-iot.md §2.6, §4, §6).
//
// # Basics
//
// New builds a Server from a Config (DefaultConfig holds AWS's limits),
// an Authorizer and a store.Store, from which it loads the persistent
// sessions, their queued QoS 1 messages and the retained messages a
// previous run left. Serve accepts connections from a listener;
// ServeConn serves one connection handed over by another server (ALPN
// x-amzn-mqtt-ca on the HTTPS port). Close disconnects everyone and waits
// for every goroutine.
//
// The package imports no domain package. Who a client is and what it may
// do come through Authorizer and Principal (auth.go), which app wires to
// auth and the registry; the shadow service and the rules engine receive
// messages through Consumer and publish through Publish.
//
// # Protocol
//
// The first packet must be CONNECT [MQTT-3.1.0-1]; the client is then
// authenticated and must be allowed iot:Connect on client/{clientId}.
// A second connection with a client id takes the session over and closes
// the first (MQTT 5: DISCONNECT 0x8E). Every PUBLISH needs iot:Publish
// (and iot:RetainPublish with RETAIN) on topic/{name}, every SUBSCRIBE
// filter iot:Subscribe on topicfilter/{filter} taken literally, and every
// delivery iot:Receive on the receiver's principal. Denials follow AWS
// (spec §2.6): MQTT 3.1.1 clients are disconnected; MQTT 5 clients get
// reason code 0x87 in PUBACK or SUBACK, or a DISCONNECT for a QoS 0
// PUBLISH. QoS 2 is off by default, as on AWS; Config.QoS2 turns it on.
// Retained messages reach only subscriptions whose filter equals their
// topic (spec §4.5). Lifecycle events go to `$aws/events/...` through the
// router, so subscribers need the same permissions as for any topic.
//
// # Concurrency
//
// Each connection has a reader goroutine (the one running ServeConn) and
// a writer goroutine that drains a bounded outbox; no lock is held while
// writing to the network. A connection accepted by Serve that stays idle
// for Config.IdleAfter parks (park.go): both goroutines exit and its read
// buffer returns to a pool, so idle clients cost only their socket, TLS
// state and session, until the client sends, a message arrives for it,
// its keep-alive runs out or the broker closes. A publisher delivers by appending to each
// subscriber's outbox: a client's QoS 0 message meeting a full outbox
// waits up to Config.PublishBackpressure for the subscriber's writer to
// make room (its publisher's reader stops reading meanwhile, which passes
// the subscriber's pace back through TCP), and is dropped and counted
// if none comes; an outbox whose writer made no progress during such a wait
// drops at once until it does. A QoS 1 message waits in the subscriber's
// session, up to Config.MaxQueuedPerSession. So a slow subscriber stalls
// a publisher for at most that bound per message, and one that does not
// read at all, once.
// Durable writes go through one persister goroutine that batches them.
// LOCKING.md lists the locks and their order.
//
// # Caveats
//
//   - AWS's rate limits (CONNECTs per client id per second, publishes and
//     bytes per second per connection) are off unless Config turns them on;
//     the replay rate of stored messages and the 1-hour redelivery window
//     are not enforced.
//   - In-flight QoS 1 messages restored after a restart are sent with new
//     packet identifiers; QoS 2 ones keep theirs (qos2_store.go).
//   - Wills waiting for their MQTT 5 Will Delay Interval are dropped at
//     Close; Wills are not published at Close.
//   - Subscription identifiers are supported (AWS does not support them).
package broker
