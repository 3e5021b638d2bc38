package loadgen

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Mode is the shape of a run: who connects, who publishes, who listens.
type Mode string

// The modes. N is Config.Clients, S is Config.Subscribers.
const (
	ModeConn   Mode = "conn"    // N idle connections, held for the duration
	ModePub    Mode = "pub"     // N publishers, no subscriber
	ModeSub    Mode = "sub"     // S subscribers of prefix/+, for a pub run elsewhere
	ModeFanIn  Mode = "fan-in"  // N publishers on prefix/i → 1 subscriber of prefix/+
	ModeFanOut Mode = "fan-out" // 1 publisher on prefix/0 → S subscribers of it
	ModeP2P    Mode = "p2p"     // N pairs: publisher i → subscriber i on prefix/i
)

// Modes lists every mode, in the order the help text gives them.
var Modes = []Mode{ModeConn, ModePub, ModeSub, ModeFanIn, ModeFanOut, ModeP2P}

// Config is one run of the load generator. DefaultConfig gives the
// defaults; Validate reports every problem at once.
type Config struct {
	URL  string // mqtt://host:port (TCP) or mqtts://host:port (TLS)
	Mode Mode
	// Clients is the number of connections (conn), publishers (pub,
	// fan-in), pairs (p2p), or subscribers (sub, fan-out) unless
	// Subscribers is set.
	Clients     int
	Subscribers int           // sub, fan-out: subscribers; 0 means Clients
	QoS         byte          // 0 or 1, for publishes and subscriptions
	MQTT        int           // protocol: 3 (3.1.1) or 5
	Size        int           // payload bytes, at least stampSize
	Rate        float64       // total messages/s over all publishers; 0 and PubRate 0 = flood
	PubRate     float64       // messages/s per publisher (instead of Rate)
	Duration    time.Duration // how long publishers publish (conn: hold)
	Topic       string        // topic prefix
	Inflight    int           // QoS 1: unacknowledged PUBLISHes per publisher
	ConnectRate float64       // new connections per second; 0 = as fast as possible
	KeepAlive   time.Duration // MQTT keep-alive; PINGREQ at half of it when idle
	// SendBuffer is each publisher's socket send buffer in bytes
	// (SO_SNDBUF; 0: the kernel sizes it, up to megabytes). A small one
	// keeps a flood from queueing seconds of messages in the kernel,
	// where they would count as sent and inflate the latency.
	SendBuffer int
	Drain      time.Duration // after publishing: how long to wait for stragglers
	BrokerPID  int           // read this process's VmRSS; 0 = don't
	ClientID   string        // client-id prefix; a run id is appended

	TLS       TLSFiles // mqtts: CA, client certificate and key files
	Provision *Provision

	// Progress, when set, receives one line a second while the run lasts.
	Progress func(line string)
	// OnLoad, when set, is called once, when every connection is open and
	// subscribed and the load begins: a test's cue to start another run.
	OnLoad func()
}

// TLSFiles names PEM files for mqtts: the CA that signed the broker's
// certificate (empty: the system's roots) and the client's certificate
// and key (empty: no client certificate).
type TLSFiles struct {
	CA, Cert, Key string
	ServerName    string // overrides the host name checked in the broker's certificate
	Insecure      bool   // skip the broker certificate check
}

// DefaultConfig returns the defaults: a 10 s QoS 0 fan-in of 4
// publishers, flooding 64-byte messages to a broker on localhost:1883.
func DefaultConfig() Config {
	return Config{
		URL: "mqtt://127.0.0.1:1883", Mode: ModeFanIn, Clients: 4, MQTT: 3, Size: 64,
		Duration: 10 * time.Second, Topic: "hob-bench", Inflight: 64,
		KeepAlive: 60 * time.Second, Drain: 5 * time.Second, ClientID: "hob-bench", SendBuffer: 64 << 10,
	}
}

// Validate checks c and returns every problem, joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if _, _, err := c.endpoint(); err != nil {
		errs = append(errs, err)
	}
	if !validMode(c.Mode) {
		bad("mode %q: want one of %s", c.Mode, modeList())
	}
	if c.Clients < 1 {
		bad("clients %d: want at least 1", c.Clients)
	}
	if c.Subscribers < 0 {
		bad("subscribers %d: want 0 (as clients) or more", c.Subscribers)
	}
	if c.QoS > 1 {
		bad("qos %d: want 0 or 1", c.QoS)
	}
	if c.MQTT != 3 && c.MQTT != 5 {
		bad("mqtt %d: want 3 (3.1.1) or 5", c.MQTT)
	}
	if c.Size < stampSize || c.Size > 128<<20 {
		bad("size %d: want %d bytes (the stamp) to 128 MiB", c.Size, stampSize)
	}
	if c.Rate < 0 || c.PubRate < 0 || (c.Rate > 0 && c.PubRate > 0) {
		bad("rate %g, pub-rate %g: give at most one, not negative", c.Rate, c.PubRate)
	}
	if c.Duration <= 0 {
		bad("duration %s: want more than 0", c.Duration)
	}
	errs = append(errs, c.validateRest()...)
	return errors.Join(errs...)
}

// validateRest checks the options that are not about the load's shape.
func (c *Config) validateRest() []error {
	var errs []error
	if c.Topic == "" || strings.ContainsAny(c.Topic, "+#") {
		errs = append(errs, fmt.Errorf("topic %q: want a prefix without wildcards", c.Topic))
	}
	if c.Inflight < 1 || c.Inflight > 65535 {
		errs = append(errs, fmt.Errorf("inflight %d: want 1 to 65535", c.Inflight))
	}
	if c.ConnectRate < 0 || c.Drain < 0 || c.SendBuffer < 0 || c.KeepAlive < 0 || c.KeepAlive > 65535*time.Second {
		errs = append(errs, errors.New("connect-rate, drain, sndbuf and keepalive must not be negative (keepalive at most 65535s)"))
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		errs = append(errs, errors.New("cert and key go together"))
	}
	if c.Provision != nil && c.TLS.Cert != "" {
		errs = append(errs, errors.New("provision creates the client certificates: drop cert and key"))
	}
	if _, tls, err := c.endpoint(); c.Provision != nil && err == nil && !tls {
		errs = append(errs, errors.New("provision gives the clients certificates: the url must be mqtts://"))
	}
	return errs
}

// endpoint returns the dial address of c.URL and whether it is TLS.
func (c *Config) endpoint() (addr string, tls bool, err error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", false, fmt.Errorf("url: %w", err)
	}
	switch u.Scheme {
	case "mqtt", "tcp":
		return hostPort(u.Host, "1883"), false, nil
	case "mqtts", "ssl", "tls":
		return hostPort(u.Host, "8883"), true, nil
	}
	return "", false, fmt.Errorf("url %q: want mqtt://host:port or mqtts://host:port", c.URL)
}

// hostPort adds the default port to a host that has none.
func hostPort(host, port string) string {
	if host == "" {
		host = "127.0.0.1"
	}
	if i := strings.LastIndexByte(host, ':'); i < 0 || strings.HasSuffix(host, "]") {
		return host + ":" + port
	}
	return host
}

func validMode(m Mode) bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

func modeList() string {
	s := make([]string, len(Modes))
	for i, m := range Modes {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}
