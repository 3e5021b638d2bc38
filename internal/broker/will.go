package broker

import (
	"bytes"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// will is a connection's Last Will (spec §4.6): the message, kept apart
// from the CONNECT buffer, and its MQTT 5 Will Delay Interval. Its
// policy was checked at CONNECT.
type will struct {
	topic   string
	payload []byte
	qos     packet.QoS
	retain  bool
	props   packet.Properties // message properties, plus the Message Expiry Interval
	delay   time.Duration
	prinID  string
}

func newWill(c *conn, p *packet.Connect) *will {
	w := p.Will
	out := &will{topic: w.Topic, qos: w.QoS, retain: w.Retain, prinID: c.principalID}
	if len(w.Payload) > 0 {
		out.payload = bytes.Clone(w.Payload)
	}
	if p.Version == packet.V5 {
		out.props = messageProperties(&w.Properties)
		if w.Properties.Has(packet.PropMessageExpiryInterval) {
			out.props.MessageExpiryInterval = w.Properties.MessageExpiryInterval
			out.props.Explicit |= packet.SetOf(packet.PropMessageExpiryInterval)
		}
		out.delay = time.Duration(w.Properties.WillDelayInterval) * time.Second
	}
	return out
}

// message builds the message the Will publishes at now; its expiry runs
// from the moment it is published.
func (w *will) message(s *Server, ss *session, now time.Time) *Message {
	props := w.props
	expiry := expiryFrom(&props, now)
	props.MessageExpiryInterval = 0
	props.Explicit &^= packet.SetOf(packet.PropMessageExpiryInterval)
	return &Message{Topic: w.topic, Payload: w.payload, QoS: w.qos, Retain: w.retain, Properties: props,
		Expiry: expiry, ClientID: ss.clientID, PrincipalID: w.prinID, Received: now,
		arn: s.arn.topic + w.topic, from: ss}
}

// publishWill publishes a Will as its client would have (retained if it
// says so: spec §4.5).
func (s *Server) publishWill(ss *session, w *will) {
	m := w.message(s, ss, time.Now())
	if m.Retain && !s.storeRetained(m, nil) {
		m.Retain = false
	}
	if m.Retain && s.clustered() {
		s.shareRetained(m)
	}
	s.route(m, nil)
}

// fireWill publishes a delayed Will whose delay has passed, unless a new
// connection cancelled it or the session's end published it meanwhile.
func (s *Server) fireWill(ss *session, w *will) {
	ss.mu.Lock()
	if ss.will != w {
		ss.mu.Unlock()
		return
	}
	ss.will, ss.willStop = nil, nil
	ss.mu.Unlock()
	s.publishWill(ss, w)
}
