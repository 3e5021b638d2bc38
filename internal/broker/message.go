package broker

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Message is one application message as the router carries it: what a
// client or an in-process publisher sent, shared by every delivery. A
// Message handed to the router, a Consumer or GetRetained must not be
// modified by anyone afterwards.
type Message struct {
	Topic   string
	Payload []byte
	QoS     packet.QoS
	Retain  bool
	// Properties are the MQTT 5 properties that travel with the message
	// to subscribers unaltered [MQTT-3.3.2-17]: Payload Format Indicator,
	// Content Type, Response Topic, Correlation Data and User Properties.
	// The others (Topic Alias, Subscription Identifiers, Message Expiry
	// Interval) are set per delivery.
	Properties packet.Properties
	// Expiry is when the message expires (MQTT 5 Message Expiry
	// Interval); zero means never. Expired messages are not delivered
	// [MQTT-3.3.2-5].
	Expiry time.Time
	// ClientID and PrincipalID name the publisher; both are "" for a
	// message published in-process with (*Server).Publish, whose
	// principal is "hob".
	ClientID    string
	PrincipalID string
	// SourceIP is the publishing client's IP address ("" in process, or
	// when the transport has none): sourceip() in rules.
	SourceIP string
	// Received is when the broker accepted the message.
	Received time.Time
	// Hops counts the rule republishes that led to this message: 0 for a
	// client's message, one more for each republish by a rule. The rules
	// engine refuses to evaluate a message past its hop limit, so a rule
	// that republishes onto its own FROM filter cannot loop forever.
	Hops int

	arn  string   // topic/{Topic} ARN, for iot:Receive
	from *session // the publisher's session, for No Local; nil in-process
	// remote marks a message another node forwarded (cluster.go): it is
	// delivered here, not consumed or forwarded again.
	remote bool
}

// maxMessageExpiry is AWS's longest Message Expiry Interval: 7 days
// (spec §4.9).
const maxMessageExpiry = 604800

// messageProperties copies from p the properties a message carries to
// its subscribers. Slices are copied too: p may alias a packet buffer.
func messageProperties(p *packet.Properties) packet.Properties {
	var out packet.Properties
	out.PayloadFormatIndicator = p.PayloadFormatIndicator
	out.ContentType = p.ContentType
	out.ResponseTopic = p.ResponseTopic
	if p.CorrelationData != nil {
		out.CorrelationData = append([]byte(nil), p.CorrelationData...)
	}
	out.UserProperties = p.UserProperties // decoded into a fresh slice of fresh strings
	out.Explicit = p.Explicit & packet.SetOf(packet.PropPayloadFormatIndicator, packet.PropContentType)
	return out
}

// expiryFrom turns a Message Expiry Interval into a deadline: none when
// the property is absent, and AWS's rules otherwise: 0 counts as 1 and
// the interval is capped at 7 days (spec §4.9).
func expiryFrom(p *packet.Properties, now time.Time) time.Time {
	if !p.Has(packet.PropMessageExpiryInterval) {
		return time.Time{}
	}
	secs := min(max(p.MessageExpiryInterval, 1), maxMessageExpiry)
	return now.Add(time.Duration(secs) * time.Second)
}

// expired reports whether the message's expiry has passed at now.
func (m *Message) expired(now time.Time) bool {
	return !m.Expiry.IsZero() && !now.Before(m.Expiry)
}

// remaining returns the Message Expiry Interval to forward at now: the
// whole seconds left [MQTT-3.3.2-6], and false when the message never
// expires.
func (m *Message) remaining(now time.Time) (uint32, bool) {
	if m.Expiry.IsZero() {
		return 0, false
	}
	left := m.Expiry.Sub(now)
	if left <= 0 {
		return 0, true
	}
	return uint32(left / time.Second), true
}

// Stored messages (queued QoS 1 deliveries and retained messages) are a
// small header followed by the message as an MQTT 5 PUBLISH, so the codec
// does the work: format byte, expiry and received time in Unix
// milliseconds (0: none), then the packet.
const (
	storedFormat = 1
	storedHeader = 1 + 8 + 8
)

var errStoredMessage = errors.New("broker: stored message is corrupt")

// encodeStored appends the stored form of a delivery of m at qos, with
// the RETAIN flag retain and subscription identifiers ids.
func encodeStored(dst []byte, m *Message, qos packet.QoS, retain bool, ids []uint32) []byte {
	dst = append(dst, storedFormat)
	dst = binary.BigEndian.AppendUint64(dst, uint64(unixMilli(m.Expiry)))
	dst = binary.BigEndian.AppendUint64(dst, uint64(unixMilli(m.Received)))
	p := packet.Publish{Topic: m.Topic, Payload: m.Payload, QoS: qos, Retain: retain, Properties: m.Properties}
	p.Properties.SubscriptionIdentifiers = ids
	if qos > 0 {
		p.PacketID = 1 // the real identifier is chosen when it is sent
	}
	return p.AppendTo(dst, packet.V5)
}

// decodeStored is encodeStored's inverse. The message's slices alias b.
func decodeStored(b []byte) (m *Message, qos packet.QoS, retain bool, ids []uint32, err error) {
	if len(b) < storedHeader || b[0] != storedFormat {
		return nil, 0, false, nil, errStoredMessage
	}
	expiry := int64(binary.BigEndian.Uint64(b[1:]))
	received := int64(binary.BigEndian.Uint64(b[9:]))
	pk, _, err := packet.Decode(b[storedHeader:], packet.V5)
	if err != nil {
		return nil, 0, false, nil, errors.Join(errStoredMessage, err)
	}
	p, ok := pk.(*packet.Publish)
	if !ok {
		return nil, 0, false, nil, errStoredMessage
	}
	ids = p.Properties.SubscriptionIdentifiers
	m = &Message{Topic: p.Topic, Payload: p.Payload, QoS: p.QoS, Retain: p.Retain,
		Properties: messageProperties(&p.Properties), Expiry: fromUnixMilli(expiry), Received: fromUnixMilli(received)}
	return m, p.QoS, p.Retain, ids, nil
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromUnixMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
