// Package loadgen is `hob bench`: an MQTT load generator that measures
// any MQTT 3.1.1 or 5 broker through the wire alone, so that one run
// can measure hob and the next Mosquitto, with the same client.
//
// # Basics
//
// Run takes a Config and returns a Report. A run opens its connections
// (subscribers first, then publishers, then conn mode's idle
// connections, at Config.ConnectRate), publishes for Config.Duration,
// waits up to Config.Drain for acknowledgements and deliveries to
// settle, and disconnects. The modes (Mode) decide who publishes where
// and who subscribes to what: conn, pub, sub, fan-in, fan-out and p2p.
//
// Every payload starts with a stamp (see stamp.go): the publisher's
// index, a sequence number and the send time. Subscribers derive from it
// the end-to-end latency, kept in a log-linear Histogram, and losses,
// duplicates and reordering, per publisher. At QoS 1 each publisher also
// measures PUBLISH→PUBACK round trips within a window of Config.Inflight
// unacknowledged messages (never more than the broker's Receive Maximum).
//
// # The client
//
// The client is this package's own, over internal/mqtt/packet: one
// reader goroutine per connection that decodes into a reused Publish and
// body buffer, publishers that append packets to a reused buffer and
// write it in one call, PUBACKs gathered while input is buffered, and one
// pinger for all connections. Nothing is allocated per message. At start
// the open-file limit is raised to the hard limit, since each connection
// is a descriptor.
//
// # Caveats
//
//   - Paced publishers sleep between messages, and sleeps are only as
//     fine as the OS timer (about 1 ms on some virtual machines), so a
//     pace of more than about 1,000 msg/s per publisher is sent in small
//     bursts; each message is stamped when it is queued, so the latency
//     of the burst's last message includes its wait behind the others.
//     A publisher that falls behind its pace catches up by sending at
//     once.
//   - Latency uses the wall clock, so that a sub run can measure a pub
//     run in another process; both must run on one machine.
//   - A subscriber that sees a sequence number go backwards counts a
//     duplicate or reordering; a message arriving after a later one is
//     not credited back, so with reordering the loss is overstated.
//   - In sub mode the number sent is unknown; the loss reported is the
//     sum of the sequence gaps.
package loadgen
