// Package packet encodes and decodes the control packets of MQTT 3.1.1
// and MQTT 5.0: the wire format only. It knows nothing of sessions,
// subscriptions or topics beyond what a packet's own rules require, and
// imports only the standard library.
//
// # Reading
//
// A Reader reads packets from a connection. ReadPacket returns a Packet
// that owns its memory; the broker's hot path instead reads the fixed
// header (ReadHeader), reads the body into a buffer it reuses
// (ReadBody), and decodes a PUBLISH into a Publish it reuses
// ((*Publish).Decode), which allocates nothing when the topic is the one
// of the previous message and the message has no string, User Property or
// Subscription Identifier properties. Decode and ParseHeader read from a
// []byte instead.
//
// The Reader enforces a maximum packet size before reading a body. Every
// rule the specifications give a packet is checked: the fixed-header flag
// bits, the Variable Byte Integer form, UTF-8 strings, packet
// identifiers, CONNECT's flags and protocol name and level, which
// properties a packet may carry and how often, the reason codes a packet
// may carry, and the topic-name rules a packet must meet. A failure is an
// *Error whose Code is the Reason Code to answer with: MalformedPacket
// when the bytes do not parse as the packet, ProtocolError when they
// parse but break a rule (5.0 §4.13), and for a CONNECT also
// UnsupportedProtocolVersion or ClientIdentifierNotValid.
//
// # Writing
//
// Every packet has AppendTo(dst, v), which appends its wire form for
// version v and allocates at most once (never, when dst has room), and
// Size(v), the exact number of bytes AppendTo writes, which a server
// compares with a client's Maximum Packet Size; Fit drops the Reason
// String and then the User Properties of a packet that is too large, as
// 5.0 allows. Properties are written in ascending order of identifier.
// 5.0-only fields (reason codes where 3.1.1 has none, properties, the
// subscription options other than QoS) are not written for 3.1.1.
//
// # Ownership
//
// A decoded packet's []byte fields (Payload, Password, Will Payload,
// Correlation Data, Authentication Data) alias the body they were decoded
// from and are valid as long as it is; strings are copies. Decoding never
// writes through a packet's previous slices. Empty []byte fields decode
// as nil.
//
// # Specification references
//
// Comments cite the MQTT 5.0 specification's normative statements, such
// as [MQTT-3.3.2-2], and sections, such as §3.8.3.1. Statements that
// exist only in MQTT 3.1.1, or are numbered differently there, say
// "3.1.1". The fixtures in fixtures.go are shared with the broker's tests.
//
// # Caveats
//
//   - Rules that depend on connection state are the caller's: a second
//     CONNECT, a Topic Alias above the Topic Alias Maximum, a Subscription
//     Identifier in a PUBLISH from a client [MQTT-3.3.4-6], a Session
//     Expiry Interval in a DISCONNECT from a server, No Local on a shared
//     subscription [MQTT-3.8.3-4], a payload that does not match its
//     Payload Format Indicator (0x99).
//   - Topic Filters are checked only for being non-empty UTF-8; their
//     wildcard syntax belongs to package topic.
//   - A Variable Byte Integer not in its shortest form is rejected as
//     malformed [MQTT-1.5.5-1], in 3.1.1 too.
package packet
