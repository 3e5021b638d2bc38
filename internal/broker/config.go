package broker

import (
	"errors"
	"fmt"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/topic"
)

// Config is the broker's configuration. Start from DefaultConfig, which
// holds AWS IoT Core's defaults (spec §4.11), and change what differs;
// New rejects a Config that Validate rejects.
type Config struct {
	// Cluster connects the broker to the other nodes of a hob cluster
	// (cluster.go); nil for a single node. NodeID names this node in
	// lifecycle events (empty: not said).
	Cluster Cluster
	NodeID  string
	// Account names the partition, region and account of the resource
	// ARNs the broker asks principals about: client/{id}, topic/{name},
	// topicfilter/{filter} (spec §2.2).
	Account iot.Account
	// Limits bound topic names and filters (AWS: 256 bytes, 7 slashes,
	// ShareNames of 128 bytes; spec §4.7, §4.8).
	Limits topic.Limits
	// MatchMode is how `a/#` treats `a`: topic.AWS (the default: it does
	// not match, spec §4.2) or topic.MQTT.
	MatchMode topic.Mode
	// MaxClientIDBytes bounds a client identifier (AWS: 128 bytes, §4.3).
	MaxClientIDBytes int
	// MaxPacketSize is the largest packet a client may send, fixed header
	// included; MQTT 5 clients learn it from CONNACK's Maximum Packet Size.
	MaxPacketSize int
	// MaxPayload bounds a PUBLISH payload (AWS: 128 KB, §4.11).
	MaxPayload int
	// QoS2 enables QoS 2. AWS does not support it (§4.2), so it is off:
	// then QoS 2 subscriptions are granted QoS 1, and a QoS 2 PUBLISH or
	// Will closes the connection (MQTT 5: reason 0x9B).
	QoS2 bool
	// SessionExpiry is how long a persistent session outlives its
	// connection: the expiry of every 3.1.1 persistent session, and the
	// cap of the Session Expiry Interval an MQTT 5 client asks for (AWS:
	// 1 hour by default, up to 7 days; §4.4).
	SessionExpiry time.Duration
	// MinKeepAlive and MaxKeepAlive bound the keep-alive the broker
	// enforces (AWS: 30 s to 1200 s; a client's 0 means MaxKeepAlive;
	// §4.3). MaxKeepAlive 0 lets a client's 0 turn keep-alive off.
	MinKeepAlive time.Duration
	MaxKeepAlive time.Duration
	// ConnectTimeout bounds the TLS handshake and the wait for CONNECT.
	ConnectTimeout time.Duration
	// WriteTimeout closes a connection whose peer stops reading for this
	// long while the broker has data for it.
	WriteTimeout time.Duration
	// OutboundQueue is how many packets may wait for a connection's
	// writer. When it is full, QoS 0 messages to that client are dropped
	// (a client's, after up to PublishBackpressure) and QoS 1 messages
	// wait in the session instead.
	OutboundQueue int
	// PublishBackpressure is how long routing a client's message may wait
	// for room before dropping it: QoS 0 for room in a subscriber's full
	// outbound queue, QoS 1 and 2 for room in an online subscriber's full
	// session queue (MaxQueuedPerSession). The publisher's reader stops
	// reading meanwhile (and its PUBACK waits), which passes the
	// subscriber's pace back to the publisher instead of dropping at once.
	// The wait is per delivery, and a queue that made no progress during
	// a wait that ran out drops without waiting until it moves again, so a
	// client that does not read costs publishers one wait, not one per
	// message. 0 drops at once.
	PublishBackpressure time.Duration
	// MaxQueuedPerSession bounds the QoS 1 messages a session holds that
	// are not in flight: while its client is offline, or its in-flight
	// window is full. Beyond it new messages are dropped and counted.
	MaxQueuedPerSession int
	// MaxInflight bounds the unacknowledged QoS 1 and 2 messages per
	// direction (AWS: 100, §4.11). MQTT 5 clients learn the inbound bound
	// from CONNACK's Receive Maximum; outbound, the smaller of this and
	// the client's Receive Maximum applies.
	MaxInflight int
	// TopicAliasMaximum is the highest inbound Topic Alias an MQTT 5
	// client may use (AWS: 8, §4.9), and the most the broker assigns
	// towards a client that allows them; 0 disables topic aliases.
	TopicAliasMaximum int
	// MaxFiltersPerSubscribe bounds the topic filters of one SUBSCRIBE
	// (AWS: 8) and MaxSubscriptions those of one session (AWS: 50); a
	// filter beyond either is refused (3.1.1: 0x80, 5: 0x97 Quota
	// exceeded). 0 means no limit.
	MaxFiltersPerSubscribe int
	MaxSubscriptions       int
	// MaxConnectsPerSecond bounds the CONNECTs per client id (AWS: 1,
	// spec §4.3), MaxPublishesPerSecond the PUBLISHes per connection (AWS:
	// 100) and MaxPublishBytesPerSecond their payload bytes (AWS: 512 KB;
	// §4.11), each with bursts of up to one second's worth. A CONNECT
	// beyond the limit is refused (5: CONNACK 0x97), a PUBLISH as Quota
	// exceeded (3.1.1: close; 5: PUBACK or PUBREC 0x97, QoS 0: DISCONNECT
	// 0x97). 0, the default, turns a limit off: load tests exceed them.
	MaxConnectsPerSecond     int
	MaxPublishesPerSecond    int
	MaxPublishBytesPerSecond int
	// MaxRetained bounds the retained messages the broker stores; a new
	// retained topic beyond it is refused like a denied publish (AWS
	// throttles; §4.5). 0 means no limit.
	MaxRetained int
	// IdleAfter is how long a connection accepted by Serve may send
	// nothing before it parks: its reader and writer goroutines exit and
	// its read buffer goes back to a pool, so an idle client costs its
	// socket, TLS state and session only; the next byte from the client,
	// a message for it, its keep-alive running out or shutdown resumes
	// it. 0 keeps every connection's goroutines (also where the OS has no
	// epoll).
	IdleAfter time.Duration
	// SweepInterval is how often expired sessions and messages are
	// removed.
	SweepInterval time.Duration
	// DenialLogInterval rate-limits the log lines of iot:Receive denials,
	// which happen per delivery: the first denial of each session and
	// deciding statement is logged, then at most one line per interval
	// with the count of those not logged. 0 logs every denial. Other
	// denials refuse a request and are always logged.
	DenialLogInterval time.Duration
}

// DefaultConfig returns AWS IoT Core's defaults (spec §4.11) for the
// given account.
func DefaultConfig(account iot.Account) Config {
	return Config{
		Account:                account,
		Limits:                 topic.DefaultLimits(),
		MatchMode:              topic.AWS,
		MaxClientIDBytes:       128,
		MaxPacketSize:          256 << 10,
		MaxPayload:             128 << 10,
		SessionExpiry:          time.Hour,
		MinKeepAlive:           30 * time.Second,
		MaxKeepAlive:           1200 * time.Second,
		ConnectTimeout:         10 * time.Second,
		WriteTimeout:           30 * time.Second,
		OutboundQueue:          1024,
		PublishBackpressure:    5 * time.Millisecond,
		MaxQueuedPerSession:    1000,
		MaxInflight:            100,
		TopicAliasMaximum:      8,
		MaxFiltersPerSubscribe: 8,
		MaxSubscriptions:       50,
		IdleAfter:              2 * time.Second,
		SweepInterval:          time.Minute,
		DenialLogInterval:      time.Minute,
	}
}

// Validate reports every problem of c at once, joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("broker config: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	if c.Account.Partition == "" || c.Account.Region == "" || c.Account.ID == "" {
		bad("Account", "partition, region and account id are required to build resource ARNs")
	}
	positive := []struct {
		name string
		v    int
	}{{"MaxClientIDBytes", c.MaxClientIDBytes}, {"MaxPacketSize", c.MaxPacketSize},
		{"MaxPayload", c.MaxPayload}, {"OutboundQueue", c.OutboundQueue},
		{"MaxQueuedPerSession", c.MaxQueuedPerSession}, {"MaxInflight", c.MaxInflight}}
	for _, p := range positive {
		if p.v <= 0 {
			bad(p.name, "must be positive, not %d", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    int
	}{{"MaxFiltersPerSubscribe", c.MaxFiltersPerSubscribe}, {"MaxSubscriptions", c.MaxSubscriptions},
		{"MaxRetained", c.MaxRetained}, {"MaxConnectsPerSecond", c.MaxConnectsPerSecond},
		{"MaxPublishesPerSecond", c.MaxPublishesPerSecond}, {"MaxPublishBytesPerSecond", c.MaxPublishBytesPerSecond}} {
		if p.v < 0 {
			bad(p.name, "must not be negative (0: no limit), not %d", p.v)
		}
	}
	if c.MaxInflight > 65535 {
		bad("MaxInflight", "%d exceeds 65535, the number of packet identifiers", c.MaxInflight)
	}
	if c.TopicAliasMaximum < 0 || c.TopicAliasMaximum > 65535 {
		bad("TopicAliasMaximum", "%d is not within 0..65535", c.TopicAliasMaximum)
	}
	if c.MaxClientIDBytes > 65535 {
		bad("MaxClientIDBytes", "%d exceeds what MQTT can carry (65535)", c.MaxClientIDBytes)
	}
	c.validateDurations(bad)
	return errors.Join(errs...)
}

func (c *Config) validateDurations(bad func(field, format string, args ...any)) {
	if c.SessionExpiry < 0 || c.SessionExpiry > time.Duration(1<<32-1)*time.Second {
		bad("SessionExpiry", "%v is not within 0..4294967295s", c.SessionExpiry)
	}
	if c.IdleAfter < 0 {
		bad("IdleAfter", "must not be negative, not %v", c.IdleAfter)
	}
	if c.DenialLogInterval < 0 {
		bad("DenialLogInterval", "must not be negative, not %v", c.DenialLogInterval)
	}
	if c.PublishBackpressure < 0 {
		bad("PublishBackpressure", "must not be negative, not %v", c.PublishBackpressure)
	}
	if c.MinKeepAlive < 0 || c.MaxKeepAlive < 0 || c.MaxKeepAlive > 65535*time.Second {
		bad("MaxKeepAlive", "keep-alive bounds %v..%v are not within 0..65535s", c.MinKeepAlive, c.MaxKeepAlive)
	}
	if c.MaxKeepAlive > 0 && c.MinKeepAlive > c.MaxKeepAlive {
		bad("MinKeepAlive", "%v exceeds MaxKeepAlive %v", c.MinKeepAlive, c.MaxKeepAlive)
	}
	for name, d := range map[string]time.Duration{"ConnectTimeout": c.ConnectTimeout,
		"WriteTimeout": c.WriteTimeout, "SweepInterval": c.SweepInterval} {
		if d <= 0 {
			bad(name, "must be positive, not %v", d)
		}
	}
}
