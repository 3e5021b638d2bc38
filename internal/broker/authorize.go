package broker

import (
	"context"
	"net"
	"strconv"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// The IoT policy actions the broker checks (spec §2.2).
const (
	actionConnect       = "iot:Connect"
	actionPublish       = "iot:Publish"
	actionRetainPublish = "iot:RetainPublish"
	actionSubscribe     = "iot:Subscribe"
	actionReceive       = "iot:Receive"
)

// arnPrefixes are the resource ARNs the broker builds, up to the name:
// client/{clientId}, topic/{topicName}, topicfilter/{filter}.
type arnPrefixes struct {
	client, topic, filter string
}

func newARNPrefixes(a iot.Account) arnPrefixes {
	return arnPrefixes{
		client: a.ARN(iot.TypeClient, ""),
		topic:  a.ARN(iot.TypeTopic, ""),
		filter: a.ARN(iot.TypeTopicFilter, ""),
	}
}

// allowed asks p whether it may perform action on resource, and logs and
// counts nothing: callers count their own denials. Denials are logged at
// Info with the deciding statement, the trace AWS does not give.
func (c *conn) allowed(action, resource string) bool {
	d := c.principal.Authorize(action, resource)
	if !d.Allowed {
		c.srv.log.Info("broker: denied", "client", c.clientID, "principal", c.principalID,
			"action", action, "resource", resource, "reason", d.Reason.String(),
			"policy", policyName(c.principal, d.Policy), "statement", d.Statement, "sid", d.Sid)
	}
	return d.Allowed
}

// policyNamer is what a Principal may also implement so that denial logs
// name the deciding policy instead of giving its index.
type policyNamer interface {
	PolicyNames() []string
}

// policyName names policy index i of p for a log line: its name when p
// tells names, else the index; "" when no policy decided (implicit deny).
func policyName(p Principal, i int) string {
	if i < 0 {
		return ""
	}
	if pn, ok := p.(policyNamer); ok {
		if names := pn.PolicyNames(); i < len(names) {
			return names[i]
		}
	}
	return strconv.Itoa(i)
}

// IdentifiedConn is implemented by a net.Conn whose client proved an
// identity other than a certificate before it reached the broker: app's
// WebSocket adapter, for the IAM-style identity of the access key that
// signed the upgrade URL. A PrincipalIdentifier that is not empty stands
// for the connection's principal instead of Principal.ID: lifecycle
// events carry it as principalIdentifier (spec §4.10, §5.3), messages as
// PrincipalID, and DisconnectPrincipal matches it.
type IdentifiedConn interface {
	net.Conn
	PrincipalIdentifier() string
}

// authenticate applies the CONNECT rate limit, identifies the client
// through the Authorizer and checks
// iot:Connect on client/{clientId}, and iot:Publish (with
// iot:RetainPublish for a retained Will) on the Will topic. On TLS
// transports a client without a certificate never gets a session. Any
// failure refuses the connection with Not authorized (3.1.1 return code
// 5, MQTT 5 0x87; spec §2.6, §4.6).
func (c *conn) authenticate(ctx context.Context, p *packet.Connect) *cause {
	s := c.srv
	if cs := c.throttleConnect(); cs != nil { // before any work: throttled CONNECTs cost little
		return cs
	}
	if (c.transport == TransportTLS || c.transport == TransportALPN) && len(c.certs) == 0 {
		s.stats.authFail.Add(1)
		return c.refuse(packet.NotAuthorized, "a client certificate is required", reasonAuthError)
	}
	info := ConnInfo{ClientID: c.clientID, Transport: c.transport, Certificates: c.certs,
		RemoteAddr: c.nc.RemoteAddr(), CleanStart: p.CleanStart, HasWill: p.Will != nil}
	if p.Will != nil {
		info.WillTopic = p.Will.Topic
	}
	if sc, ok := c.nc.(SigV4Conn); ok {
		info.SigV4AccessKeyID = sc.SigV4AccessKeyID()
	}
	actx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	pr, err := s.authz.Authenticate(actx, info)
	cancel()
	if err != nil || pr == nil {
		s.stats.authFail.Add(1)
		s.log.Info("broker: authentication failed", "client", c.clientID, "transport", string(c.transport), "err", err)
		return c.refuse(packet.NotAuthorized, "authentication failed", reasonAuthError)
	}
	c.principal, c.principalID = pr, pr.ID()
	c.sourceIP = sourceIPOf(c.nc.RemoteAddr())
	if ic, ok := c.nc.(IdentifiedConn); ok && ic.PrincipalIdentifier() != "" {
		c.principalID = ic.PrincipalIdentifier()
	}
	if !c.allowed(actionConnect, s.arn.client+c.clientID) {
		s.stats.denyConnect.Add(1)
		return c.refuse(packet.NotAuthorized, "iot:Connect denied", reasonForbidden)
	}
	if w := p.Will; w != nil {
		arn := s.arn.topic + w.Topic
		if !c.allowed(actionPublish, arn) || (w.Retain && !c.allowed(actionRetainPublish, arn)) {
			s.stats.denyConnect.Add(1)
			return c.refuse(packet.NotAuthorized, "iot:Publish denied on the will topic", reasonForbidden)
		}
	}
	return nil
}
