package broker

import (
	"encoding/json"
	"net"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Lifecycle event topics (spec §4.10).
const (
	eventsPrefix       = "$aws/events/"
	presencePrefix     = "$aws/events/presence/"
	subscriptionPrefix = "$aws/events/subscriptions/"
	eventConnected     = "connected"
	eventDisconnected  = "disconnected"
	eventSubscribed    = "subscribed"
	eventUnsubscribed  = "unsubscribed"
)

// lifecycleEvent is the JSON AWS publishes for a lifecycle event (spec
// §4.10). Fields that one kind of event lacks are left out.
type lifecycleEvent struct {
	ClientID                  string   `json:"clientId"`
	Timestamp                 int64    `json:"timestamp"` // Unix milliseconds (spec §6 gotcha 1)
	EventType                 string   `json:"eventType"`
	SessionIdentifier         string   `json:"sessionIdentifier"`
	PrincipalIdentifier       string   `json:"principalIdentifier"`
	IPAddress                 string   `json:"ipAddress,omitempty"`
	VersionNumber             *uint64  `json:"versionNumber,omitempty"`
	ClientInitiatedDisconnect *bool    `json:"clientInitiatedDisconnect,omitempty"`
	DisconnectReason          string   `json:"disconnectReason,omitempty"`
	Topics                    []string `json:"topics,omitempty"`
	// NodeID names the hob node of a cluster that saw the event (not in
	// AWS's events; docs/compat.md). Absent on a single node.
	NodeID string `json:"nodeId,omitempty"`
}

// eventsFor reports whether a client id gets lifecycle events: AWS sends
// none for ids with `#` or `+` (spec §4.3).
func eventsFor(clientID string) bool {
	return clientID != "" && !strings.ContainsAny(clientID, "#+")
}

func (c *conn) event(kind string) lifecycleEvent {
	return lifecycleEvent{ClientID: c.clientID, Timestamp: time.Now().UnixMilli(), EventType: kind,
		SessionIdentifier: c.sessionID, PrincipalIdentifier: principalIdentifier(c.principalID), NodeID: c.srv.cfg.NodeID}
}

// principalIdentifier is the principal as lifecycle events name it: the
// certificate id for a certificate ARN (spec §4.10), the ID otherwise.
func principalIdentifier(id string) string {
	if a, err := iot.ParseARN(id); err == nil && a.Type == iot.TypeCert {
		return a.Name
	}
	return id
}

// eventConnected publishes `$aws/events/presence/connected/{clientId}`.
func (s *Server) eventConnected(c *conn) {
	if !eventsFor(c.clientID) {
		return
	}
	ev := c.event(eventConnected)
	ev.IPAddress = hostOf(c.nc.RemoteAddr())
	v := c.sess.eventVersion()
	ev.VersionNumber = &v
	s.publishEvent(presencePrefix+eventConnected+"/"+c.clientID, &ev)
}

// eventDisconnected publishes `$aws/events/presence/disconnected/{clientId}`.
func (s *Server) eventDisconnected(c *conn, cs *cause) {
	if !eventsFor(c.clientID) {
		return
	}
	ev := c.event(eventDisconnected)
	client := cs.client
	ev.ClientInitiatedDisconnect = &client
	ev.DisconnectReason = cs.event
	var v uint64
	if c.sess != nil {
		v = c.sess.eventVersion()
	}
	ev.VersionNumber = &v
	s.publishEvent(presencePrefix+eventDisconnected+"/"+c.clientID, &ev)
}

// eventSubscriptions publishes
// `$aws/events/subscriptions/subscribed|unsubscribed/{clientId}`.
func (s *Server) eventSubscriptions(c *conn, kind string, topics []string) {
	if !eventsFor(c.clientID) {
		return
	}
	ev := c.event(kind)
	ev.Topics = topics
	s.publishEvent(subscriptionPrefix+kind+"/"+c.clientID, &ev)
}

// publishEvent routes an event at QoS 1 from the broker itself; the
// subscribers' iot:Receive still applies.
func (s *Server) publishEvent(name string, ev *lifecycleEvent) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return
	}
	m := &Message{Topic: name, Payload: payload, QoS: packet.QoS1, PrincipalID: hobPrincipal,
		Received: time.Now(), arn: s.arn.topic + name}
	s.route(m, nil)
}

// eventVersion returns the lifecycle versionNumber of the session's
// current connection: it grows with each connection to the session.
func (ss *session) eventVersion() uint64 {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return max(ss.events, 1) - 1
}

// hostOf returns the IP address of addr, or "" when it has none.
func hostOf(addr net.Addr) string {
	if addr == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	return host
}
