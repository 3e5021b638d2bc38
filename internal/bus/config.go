package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"
)

// DefaultClusterName is the NATS cluster name of embedded servers when
// Config.ClusterName is empty.
const DefaultClusterName = "hob"

// maxReplicas is JetStream's limit on a stream's replicas.
const maxReplicas = 5

// Defaults of the durable stream's limits (Config.DurableMaxAge,
// Config.DurableMaxBytes).
const (
	DefaultDurableMaxAge   = time.Hour
	DefaultDurableMaxBytes = 1 << 30
)

// Config says how a node joins the bus. There are three modes:
//   - external: URLs names NATS servers to connect to; the embedded-server
//     fields must be empty;
//   - embedded, single node: URLs and ClusterAddr are empty; the node runs
//     its own NATS server that opens no port (DontListen) and talks to it
//     in-process;
//   - embedded, clustered: ClusterAddr is set; the node's server listens
//     for NATS routes there, connects to Routes, and also listens for
//     clients on an ephemeral 127.0.0.1 port, because nats-server starts
//     routing only when its client listener runs (spec scaleout.md §3.4).
//     The node still talks to its server in-process.
type Config struct {
	// NodeID names the node, uniquely in the cluster: one or more of
	// [A-Za-z0-9_-]. Required. It is the embedded server's name too.
	NodeID string
	// URLs are external NATS servers, e.g. "nats://127.0.0.1:4222". Empty:
	// the node embeds its server.
	URLs []string

	// ClusterAddr is the host:port where the embedded server listens for
	// NATS routes; "" means no routes (a single node).
	ClusterAddr string
	// Routes are the peers' route URLs, "nats://host:port". They may
	// include this node's own ClusterAddr, which NATS ignores.
	Routes []string
	// ClusterName is the NATS cluster name; "" means DefaultClusterName.
	ClusterName string
	// DataDir holds the embedded server's JetStream storage. Required
	// when embedded.
	DataDir string

	// Replicas is the replication of the bus's JetStream KV buckets and of
	// its durable stream. 0 means min(3, 1 + the number of distinct Routes
	// other than ClusterAddr) when embedded, and 1 with external servers.
	Replicas int

	// DurableMaxAge is how long the durable stream (HOB_DURABLE) keeps a
	// message forwarded with durable set, so that Replay can hand it to a
	// session that resumes on another node; 0 means DefaultDurableMaxAge.
	DurableMaxAge time.Duration
	// DurableMaxBytes bounds the durable stream's size on each server
	// that stores it; the oldest messages go first. 0 means
	// DefaultDurableMaxBytes. JetStream reserves it when the stream is
	// created: it must fit the server's JetStream storage.
	DurableMaxBytes int64

	// Log receives the node's log, and the embedded server's (its notices
	// at debug level). nil discards it.
	Log *slog.Logger
	// Handler is what the node does for other nodes' messages. Required.
	Handler Handler
}

// Handler is what the node on top of the bus (the broker and the app) does
// for messages from other nodes. The bus calls DeliverRemote from one
// goroutine, in the order each origin node forwarded, and the other
// methods from goroutines of their own; they must be safe to call
// concurrently with each other and with the node's own work.
type Handler interface {
	// DeliverRemote delivers a message that another node forwarded (data
	// as given to Forward) to this node's local subscribers. It must not
	// block long: it holds up every later forwarded message.
	DeliverRemote(topic string, data []byte)
	// ApplyRetained records another node's change of topic's retained
	// message; data nil means it was removed.
	ApplyRetained(topic string, data []byte)
	// Surrender is called when another node claims clientID: close the
	// local connection with that client id (if any), make its session
	// durable in the store and forget it locally. It returns when that is
	// done, or with ctx's error when ctx ends first.
	Surrender(ctx context.Context, clientID string) error
	// Invalidate is called for every Broadcast of another node.
	Invalidate(kind string, data []byte)
}

// embedded reports whether the node runs its own NATS server.
func (c *Config) embedded() bool { return len(c.URLs) == 0 }

// validate reports every problem of c, each naming its field.
func (c *Config) validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("bus: config: %s: "+format, append([]any{field}, args...)...))
	}
	if !validName(c.NodeID) {
		bad("NodeID", "%q must be one or more of [A-Za-z0-9_-]", c.NodeID)
	}
	if c.Handler == nil {
		bad("Handler", "required")
	}
	if c.Replicas < 0 || c.Replicas > maxReplicas {
		bad("Replicas", "%d is outside 0..%d", c.Replicas, maxReplicas)
	}
	if c.DurableMaxAge < 0 {
		bad("DurableMaxAge", "%v is negative", c.DurableMaxAge)
	}
	if c.DurableMaxBytes < 0 {
		bad("DurableMaxBytes", "%d is negative", c.DurableMaxBytes)
	}
	if c.embedded() {
		errs = append(errs, c.validateEmbedded()...)
	} else {
		errs = append(errs, c.validateExternal()...)
	}
	return errors.Join(errs...)
}

// validateExternal checks the URLs, and that no embedded-server field is set.
func (c *Config) validateExternal() []error {
	var errs []error
	for i, u := range c.URLs {
		if _, err := url.Parse(u); err != nil || u == "" {
			errs = append(errs, fmt.Errorf("bus: config: URLs[%d]: %q is not a URL", i, u))
		}
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"ClusterAddr", c.ClusterAddr != ""}, {"Routes", len(c.Routes) > 0}, {"DataDir", c.DataDir != ""}} {
		if f.set {
			errs = append(errs, fmt.Errorf("bus: config: %s: only for the embedded server, but URLs are set", f.name))
		}
	}
	return errs
}

// validateEmbedded checks the embedded server's fields.
func (c *Config) validateEmbedded() []error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("bus: config: DataDir: required for the embedded server"))
	}
	if c.ClusterAddr == "" {
		if len(c.Routes) > 0 {
			errs = append(errs, errors.New("bus: config: Routes: set, but ClusterAddr is empty (a single node has no routes)"))
		}
		return errs
	}
	if _, _, err := splitHostPort(c.ClusterAddr); err != nil {
		errs = append(errs, fmt.Errorf("bus: config: ClusterAddr: %w", err))
	}
	for i, r := range c.Routes {
		if _, err := routeURL(r); err != nil {
			errs = append(errs, fmt.Errorf("bus: config: Routes[%d]: %w", i, err))
		}
	}
	return errs
}

// replicas returns the replication of the KV buckets and the durable
// stream: Replicas, or its default.
func (c *Config) replicas() int {
	if c.Replicas > 0 {
		return c.Replicas
	}
	if !c.embedded() {
		return 1
	}
	peers := map[string]bool{}
	for _, r := range c.Routes {
		if u, err := routeURL(r); err == nil && u.Host != c.ClusterAddr {
			peers[u.Host] = true
		}
	}
	return min(3, 1+len(peers))
}

// durableMaxAge returns DurableMaxAge or its default.
func (c *Config) durableMaxAge() time.Duration {
	if c.DurableMaxAge == 0 {
		return DefaultDurableMaxAge
	}
	return c.DurableMaxAge
}

// durableMaxBytes returns DurableMaxBytes or its default.
func (c *Config) durableMaxBytes() int64 {
	if c.DurableMaxBytes == 0 {
		return DefaultDurableMaxBytes
	}
	return c.DurableMaxBytes
}

// clusterName returns ClusterName or its default.
func (c *Config) clusterName() string {
	if c.ClusterName == "" {
		return DefaultClusterName
	}
	return c.ClusterName
}

// logger returns Log, or a logger that discards.
func (c *Config) logger() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

// validName reports whether s is one or more of [A-Za-z0-9_-]: a node id
// or a Broadcast kind, both used as one subject token.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// splitHostPort splits a host:port whose port is a number.
func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%q is not host:port: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: port %q is not a number in 0..65535", addr, p)
	}
	return host, port, nil
}

// routeURL parses a route URL "nats://host:port".
func routeURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if u.Scheme != "nats" && u.Scheme != "nats-route" {
		return nil, fmt.Errorf("%q: scheme must be nats:// (or nats-route://)", s)
	}
	if _, _, err := splitHostPort(u.Host); err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	return u, nil
}
