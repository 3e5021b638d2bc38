package broker

import (
	"fmt"
	"strings"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/topic"
)

// retainedSend is a retained message to send once SUBACK is queued.
type retainedSend struct {
	m    *Message
	qos  packet.QoS
	opts subOpts
}

// onSubscribe handles SUBSCRIBE: each filter is validated, authorized
// (iot:Subscribe on topicfilter/{filter}, literally) and recorded; then
// the persistent session is saved, SUBACK is queued with one reason code
// per filter in order [MQTT-3.9.3-1], and the retained messages of the
// new subscriptions follow it.
func (c *conn) onSubscribe(p *packet.Subscribe) *cause {
	var subID []uint32
	if ids := p.Properties.SubscriptionIdentifiers; len(ids) > 0 {
		subID = ids[:1:1] // at most one per SUBSCRIBE (§3.8.2.1.2); never modified
	}
	codes := make([]packet.ReasonCode, len(p.Subscriptions))
	var sends []retainedSend
	var topics, refusals []string
	for i, sub := range p.Subscriptions {
		rc, cs := c.subscribeOne(i, sub, subID, &sends)
		if cs != nil {
			return cs
		}
		codes[i] = rc
		if !rc.IsFailure() {
			topics = append(topics, sub.Filter)
		} else {
			refusals = append(refusals, refusal(rc, sub.Filter))
		}
	}
	if err := c.sess.saveDurably(len(topics) > 0); err != nil && c.version != packet.V5 {
		return causeStore
	}
	ack := &packet.Suback{PacketID: p.PacketID, ReasonCodes: codes}
	if len(refusals) > 0 && c.version == packet.V5 {
		ack.Properties.ReasonString = c.reasonString(strings.Join(refusals, "; "))
	}
	if cs := c.send(outItem{kind: outPacket, pkt: ack}); cs != nil {
		return cs
	}
	for _, r := range sends {
		c.sess.deliver(r.m, r.qos, true, r.opts.ids, nil) // RETAIN 1 on a new subscription [MQTT-3.3.1-8]
	}
	if len(topics) > 0 {
		c.srv.eventSubscriptions(c, eventSubscribed, topics)
	}
	return nil
}

// subscribeOne handles filter number i of a SUBSCRIBE and returns its
// SUBACK reason code, or the cause that ends the connection.
func (c *conn) subscribeOne(i int, sub packet.Subscription, subID []uint32, sends *[]retainedSend) (packet.ReasonCode, *cause) {
	s := c.srv
	if n := s.cfg.MaxFiltersPerSubscribe; n > 0 && i >= n {
		return packet.QuotaExceeded, nil // AWS: 8 filters per SUBSCRIBE (spec §4.11)
	}
	if err := topic.ValidateFilter(sub.Filter, s.cfg.Limits); err != nil || isIngest(sub.Filter) {
		return packet.TopicFilterInvalid, nil // 3.1.1 writes it as 0x80; nobody subscribes to Basic Ingest (rules-engine spec §12)
	}
	_, _, shared, _ := topic.ParseShared(sub.Filter)
	if shared && sub.NoLocal {
		s.stats.protocol.Add(1)
		return 0, causeProtocol(packet.ProtocolError, "No Local on shared subscription %q [MQTT-3.8.3-4]", sub.Filter)
	}
	if !c.allowed(actionSubscribe, s.arn.filter+sub.Filter) {
		s.stats.denySub.Add(1)
		if c.version != packet.V5 {
			return 0, causeDenied(fmt.Sprintf("iot:Subscribe denied on %s", sub.Filter)) // AWS closes (spec §2.6)
		}
		return packet.NotAuthorized, nil
	}
	granted := min(sub.QoS, s.maxQoS())
	opts := subOpts{qos: granted, noLocal: sub.NoLocal, rap: sub.RetainAsPublished, rh: sub.RetainHandling, ids: subID}
	if !c.sess.canSubscribe(sub.Filter, s.cfg.MaxSubscriptions) {
		return packet.QuotaExceeded, nil // AWS: 50 subscriptions per connection
	}
	replaced, err := s.subs.Subscribe(sub.Filter, c.sess, opts)
	if err != nil {
		return packet.TopicFilterInvalid, nil
	}
	if !replaced {
		s.subscribed(sub.Filter)
	}
	c.sess.recordSub(sub.Filter, opts)
	if m := s.retainedFor(sub.Filter); m != nil && !shared && wantRetained(opts.rh, replaced) {
		*sends = append(*sends, retainedSend{m: m, qos: min(m.QoS, granted), opts: opts})
	}
	return packet.ReasonCode(granted), nil
}

// refusal explains a SUBACK failure code for the Reason String.
func refusal(rc packet.ReasonCode, filter string) string {
	switch rc {
	case packet.NotAuthorized:
		return "iot:Subscribe denied on " + filter
	case packet.QuotaExceeded:
		return "subscription limit reached for " + filter
	case packet.TopicFilterInvalid:
		if isIngest(filter) {
			return "Basic Ingest topics cannot be subscribed to: " + filter
		}
		return "invalid topic filter " + filter
	}
	return fmt.Sprintf("%s refused: %v", filter, rc)
}

// wantRetained applies Retain Handling [MQTT-3.3.1-9] [MQTT-3.3.1-10]
// [MQTT-3.3.1-11]. Which retained message applies is AWS's rule: only the
// one whose topic equals the filter, and never for a shared subscription
// (spec §4.5, §4.8).
func wantRetained(rh packet.RetainHandling, replaced bool) bool {
	switch rh {
	case packet.SendRetained:
		return true
	case packet.SendRetainedIfNew:
		return !replaced
	}
	return false
}

// maxQoS is the highest QoS the broker grants: 1, as AWS, unless QoS 2
// is enabled (spec §4.2).
func (s *Server) maxQoS() packet.QoS {
	if s.cfg.QoS2 {
		return packet.QoS2
	}
	return packet.QoS1
}

// onUnsubscribe handles UNSUBSCRIBE: each filter's subscription is
// removed; MQTT 5's UNSUBACK says per filter whether there was one
// [MQTT-3.11.3-1].
func (c *conn) onUnsubscribe(p *packet.Unsubscribe) *cause {
	codes := make([]packet.ReasonCode, len(p.Filters))
	var topics []string
	for i, f := range p.Filters {
		switch {
		case topic.ValidateFilter(f, c.srv.cfg.Limits) != nil:
			codes[i] = packet.TopicFilterInvalid
		case c.srv.subs.Unsubscribe(f, c.sess):
			c.srv.unsubscribed(f)
			c.sess.forgetSub(f)
			topics = append(topics, f)
		default:
			codes[i] = packet.NoSubscriptionExisted
		}
	}
	if err := c.sess.saveDurably(len(topics) > 0); err != nil && c.version != packet.V5 {
		return causeStore
	}
	if cs := c.send(outItem{kind: outPacket, pkt: &packet.Unsuback{PacketID: p.PacketID, ReasonCodes: codes}}); cs != nil {
		return cs
	}
	if len(topics) > 0 {
		c.srv.eventSubscriptions(c, eventUnsubscribed, topics)
	}
	return nil
}

// canSubscribe reports whether the session may add filter: it has it
// already, or has fewer than limit subscriptions (0: no limit).
func (ss *session) canSubscribe(filter string, limit int) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, has := ss.subs[filter]
	return has || limit <= 0 || len(ss.subs) < limit
}

func (ss *session) recordSub(filter string, o subOpts) {
	ss.mu.Lock()
	ss.subs[filter] = o
	ss.mu.Unlock()
}

func (ss *session) forgetSub(filter string) {
	ss.mu.Lock()
	delete(ss.subs, filter)
	ss.mu.Unlock()
}

// saveDurably writes a persistent session's record, when changed is
// true, and waits until it is durable, so that an acknowledged
// subscription survives a crash.
func (ss *session) saveDurably(changed bool) error {
	ss.mu.Lock()
	if !changed || ss.expiry == 0 || !ss.srv.persist.enabled() {
		ss.mu.Unlock()
		return nil
	}
	var d durable
	ss.saveLocked(d.add())
	ss.mu.Unlock()
	return d.wait()
}
