package broker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/topic"
)

// connect reads the client's CONNECT, checks it, authenticates and
// authorizes the client and gives it its session. It returns nil when the
// client is connected; otherwise the refusal (a CONNACK, when there is
// one to send) is queued and the returned cause ends the connection.
func (c *conn) connect(ctx context.Context) *cause {
	s := c.srv
	h, err := c.rd.ReadHeader()
	if err != nil {
		s.stats.connectsRefused.Add(1)
		return causeRead(err)
	}
	if h.Type != packet.CONNECT {
		s.stats.connectsRefused.Add(1)
		s.stats.protocol.Add(1)
		return &cause{event: reasonClientError, detail: fmt.Sprintf("first packet is %s, not CONNECT [MQTT-3.1.0-1]", h.Type)}
	}
	body, err := c.rd.ReadBody(h, nil)
	if err != nil {
		s.stats.connectsRefused.Add(1)
		return causeRead(err)
	}
	var p packet.Connect
	if err := p.Decode(h, body, 0); err != nil {
		return c.refuseDecode(err)
	}
	c.version = p.Version
	c.problemInfo = p.Version != packet.V5 || !p.Properties.Has(packet.PropRequestProblemInformation) ||
		p.Properties.RequestProblemInformation == 1
	if rc, why := c.checkConnect(&p); rc != packet.Success {
		return c.refuse(rc, why, reasonClientError)
	}
	if cs := c.authenticate(ctx, &p); cs != nil {
		return cs
	}
	if cs := c.claim(ctx); cs != nil {
		return cs
	}
	ack := c.configure(&p)
	s.attach(c, &p, ack)
	s.eventConnected(c)
	return nil
}

// refuseDecode answers a CONNECT that does not decode: a CONNACK with the
// error's code where the version has one (an unsupported protocol level
// [MQTT-3.1.2-2] or client identifier [MQTT-3.1.3-8] in both; any code in
// MQTT 5 [MQTT-3.1.4-1]), otherwise just the close.
func (c *conn) refuseDecode(err error) *cause {
	c.srv.stats.protocol.Add(1)
	var pe *packet.Error
	if !errors.As(err, &pe) {
		c.srv.stats.connectsRefused.Add(1)
		return causeLost(err)
	}
	c.version = pe.Version
	if c.version != packet.V5 {
		c.version = packet.V311
	}
	c.problemInfo = true
	return c.refuse(pe.Code, pe.Reason, reasonClientError)
}

// noConnack311 lists the refusals MQTT 3.1.1 has no CONNACK return code
// for; the connection is closed without one.
func noConnack311(rc packet.ReasonCode) bool {
	switch rc {
	case packet.UnsupportedProtocolVersion, packet.ClientIdentifierNotValid, packet.BadUserNameOrPassword,
		packet.NotAuthorized, packet.ServerUnavailable:
		return false
	}
	return true
}

// refuse queues a CONNACK with failure rc and returns the cause that
// closes the connection: a refused client never gets a session.
func (c *conn) refuse(rc packet.ReasonCode, why, event string) *cause {
	c.srv.stats.connectsRefused.Add(1)
	if c.version == packet.V5 || !noConnack311(rc) {
		ack := &packet.Connack{ReasonCode: rc}
		if c.version == packet.V5 {
			ack.Properties.ReasonString = why
		}
		c.out.push(outItem{kind: outPacket, pkt: ack}, false)
	}
	return &cause{event: event, detail: why}
}

// checkConnect applies the broker's rules to a decoded CONNECT and
// returns Success or the CONNACK reason code refusing it. It also assigns
// a client identifier to a client that sent none.
func (c *conn) checkConnect(p *packet.Connect) (packet.ReasonCode, string) {
	s := c.srv
	if p.Version == packet.V5 && p.Properties.AuthenticationMethod != "" {
		return packet.BadAuthenticationMethod, "enhanced authentication is not supported (AWS, spec §4.2)"
	}
	if len(p.ClientID) > s.cfg.MaxClientIDBytes {
		return packet.ClientIdentifierNotValid, fmt.Sprintf("client id longer than %d bytes (AWS, spec §4.3)", s.cfg.MaxClientIDBytes)
	}
	c.clientID = p.ClientID
	if c.clientID == "" {
		// 3.1.1 only allows it with Clean Session 1, which the codec
		// checked [MQTT-3.1.3-7]; 5 returns it in CONNACK [MQTT-3.1.3-7].
		c.clientID = "hob-" + randomHex(12)
	}
	if w := p.Will; w != nil {
		if w.QoS == packet.QoS2 && !s.cfg.QoS2 {
			return packet.QoSNotSupported, "will QoS 2 is not supported [MQTT-3.2.2-12]"
		}
		if err := s.checkPublishTopic(w.Topic, w.Retain); err != nil {
			return packet.TopicNameInvalid, "will topic: " + err.Error()
		}
		if len(w.Payload) > s.cfg.MaxPayload {
			return packet.PacketTooLarge, fmt.Sprintf("will payload larger than %d bytes", s.cfg.MaxPayload)
		}
	}
	return packet.Success, ""
}

// checkPublishTopic applies the topic rules to a client's PUBLISH or Will
// topic: the configured limits, and AWS's reserved topics, which a client
// may not publish to with RETAIN (spec §4.5) nor at all under
// `$aws/events/` (spec §4.7: the broker publishes those).
func (s *Server) checkPublishTopic(name string, retain bool) error {
	if isIngest(name) {
		if err := s.checkIngestTopic(name); err != nil {
			return err
		}
	} else if err := topic.ValidateName(name, s.cfg.Limits); err != nil {
		return err
	}
	switch {
	case len(name) > 0 && name[0] == '$' && retain:
		return errors.New("RETAIN is not allowed on reserved $ topics (AWS, spec §4.5)")
	case hasPrefix(name, eventsPrefix):
		return errors.New("$aws/events/ topics are published by the broker only (AWS, spec §4.7)")
	}
	return nil
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// randomHex returns 2n random hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// configure derives the connection's settings from CONNECT and returns
// the CONNACK to send on success; attach fills in Session Present.
func (c *conn) configure(p *packet.Connect) *packet.Connack {
	s := c.srv
	ack := &packet.Connack{}
	ka, adjusted := s.keepAlive(p.KeepAlive)
	c.keepAlive = time.Duration(ka) * time.Second
	_ = c.nc.SetReadDeadline(time.Time{})
	c.sendQuota = s.cfg.MaxInflight
	c.sessionID = randomHex(16)
	c.expiry = s.sessionExpiry(p)
	if p.Will != nil {
		c.will = newWill(c, p)
	}
	if c.version != packet.V5 {
		return ack
	}
	pr := &ack.Properties
	c.maxOut = int(p.Properties.MaximumPacketSize)
	c.aliasMax = uint16(min(int(p.Properties.TopicAliasMaximum), s.cfg.TopicAliasMaximum))
	if rm := p.Properties.ReceiveMaximum; rm != 0 {
		c.sendQuota = min(c.sendQuota, int(rm))
	}
	s.advertise(pr)
	if p.ClientID == "" {
		pr.AssignedClientIdentifier = c.clientID // [MQTT-3.2.2-16]
	}
	if adjusted { // [MQTT-3.2.2-21]
		pr.ServerKeepAlive = ka
		pr.Explicit |= packet.SetOf(packet.PropServerKeepAlive)
	}
	if c.expiry != p.Properties.SessionExpiryInterval {
		pr.SessionExpiryInterval = c.expiry // spec §4.4: the adjusted value is returned
		pr.Explicit |= packet.SetOf(packet.PropSessionExpiryInterval)
	}
	return ack
}

// advertise sets the CONNACK properties that describe the server (spec
// §4.9): Maximum QoS 1 unless QoS 2 is on, Receive Maximum, Maximum
// Packet Size and Topic Alias Maximum. Retain, wildcard, shared
// subscriptions and subscription identifiers are available, the
// defaults, and so not sent.
func (s *Server) advertise(pr *packet.Properties) {
	if !s.cfg.QoS2 {
		pr.MaximumQoS = 1
	}
	pr.ReceiveMaximum = uint16(s.cfg.MaxInflight)
	pr.MaximumPacketSize = uint32(s.cfg.MaxPacketSize)
	pr.TopicAliasMaximum = uint16(s.cfg.TopicAliasMaximum)
}

// keepAlive returns the keep-alive the broker enforces for a client's
// request, in seconds, and whether it differs: AWS turns 0 and values
// above the maximum into the maximum and raises values below the minimum
// (spec §4.3).
func (s *Server) keepAlive(requested uint16) (uint16, bool) {
	k := time.Duration(requested) * time.Second
	if hi := s.cfg.MaxKeepAlive; hi > 0 && (k == 0 || k > hi) {
		k = hi
	}
	if k > 0 && k < s.cfg.MinKeepAlive {
		k = s.cfg.MinKeepAlive
	}
	secs := uint16(k / time.Second)
	return secs, secs != requested
}

// maxExpiry returns the longest Session Expiry Interval, in seconds.
func (s *Server) maxExpiry() uint32 { return uint32(s.cfg.SessionExpiry / time.Second) }

// sessionExpiry returns the Session Expiry Interval granted to a client,
// in seconds: 3.1.1 persistent sessions get the configured expiry (AWS
// default 1 hour), MQTT 5 what it asked for up to that (spec §4.4).
func (s *Server) sessionExpiry(p *packet.Connect) uint32 {
	if p.Version != packet.V5 {
		if p.CleanStart {
			return 0
		}
		return s.maxExpiry()
	}
	return min(p.Properties.SessionExpiryInterval, s.maxExpiry())
}
