package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
)

// Validate returns every problem with c, each naming its key.
func (c *Config) Validate() []string {
	var p []string
	add := func(key, format string, args ...any) {
		p = append(p, fmt.Sprintf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.DataDir == "" {
		add("data-dir", "must not be empty")
	}
	if err := checkStore(c.Store); err != nil {
		add("store", "%v", err)
	}
	c.validateCluster(add)
	for _, h := range c.Hostnames {
		if strings.ContainsAny(h, " /:") && net.ParseIP(h) == nil {
			add("hostname", "%q is not a host name or IP address", h)
		}
	}
	if err := checkAddr(c.HTTPSAddr); err != nil {
		add("https-addr", "%v", err)
	}
	if err := checkAddr(c.MQTTAddr); err != nil {
		add("mqtt-addr", "%v", err)
	}
	if err := checkAddr(c.DevMQTTAddr); err != nil {
		add("dev-mqtt-addr", "%v", err)
	} else if !isLoopbackAddr(c.DevMQTTAddr) {
		add("dev-mqtt-addr", "%q must be a loopback address: plain MQTT has no client certificates", c.DevMQTTAddr)
	}
	if c.DevPolicy != "" && !c.Dev {
		add("dev-policy", "is only used with --dev")
	}
	if c.SessionExpiry < time.Minute || c.SessionExpiry > 7*24*time.Hour {
		add("session-expiry", "%s must be from 1m to 168h", c.SessionExpiry)
	}
	if err := checkAddr(c.MetricsAddr); err != nil {
		add("metrics-addr", "%v", err)
	} else if !isLoopbackAddr(c.MetricsAddr) {
		add("metrics-addr", "%q must be a loopback address: metrics and health have no authentication", c.MetricsAddr)
	}
	if c.Dev && !isLoopbackAddr(c.HTTPSAddr) && hostOf(c.HTTPSAddr) != "" {
		add("https-addr", "%q is not a loopback address, and --dev accepts any signature: it binds to loopback only", c.HTTPSAddr)
	}
	if c.Dev && !isLoopbackAddr(c.MQTTAddr) && hostOf(c.MQTTAddr) != "" {
		add("mqtt-addr", "%q is not a loopback address, and --dev binds to loopback only", c.MQTTAddr)
	}
	if !regionRe.MatchString(c.Region) {
		add("region", "%q is not an AWS region name like us-east-1", c.Region)
	}
	if !accountRe.MatchString(c.AccountID) {
		add("account-id", "%q must be 12 digits", c.AccountID)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log-level", "%q must be debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add("log-format", "%q must be text or json", c.LogFormat)
	}
	if c.MaxBodySize < 1024 || c.MaxBodySize > 64<<20 {
		add("max-body-size", "%d must be from 1024 to %d bytes", c.MaxBodySize, 64<<20)
	}
	if c.ShutdownTimeout <= 0 {
		add("shutdown-timeout", "%s must be positive", c.ShutdownTimeout)
	}
	// MQTT broker limits.
	for _, l := range []struct {
		key string
		v   int
	}{{"mqtt-max-filters-per-subscribe", c.MQTTMaxFiltersPerSubscribe}, {"mqtt-max-subscriptions", c.MQTTMaxSubscriptions},
		{"mqtt-max-connects-per-second", c.MQTTMaxConnectsPerSecond}, {"mqtt-max-publishes-per-second", c.MQTTMaxPublishesPerSecond},
		{"mqtt-max-publish-bytes-per-second", c.MQTTMaxPublishBytesPerSecond}} {
		if l.v < 0 {
			add(l.key, "%d must not be negative (0: no limit)", l.v)
		}
	}
	// Device Shadow limits.
	if c.ShadowMaxStateBytes < 1024 || c.ShadowMaxStateBytes > 1<<20 {
		add("shadow-max-state-bytes", "%d must be from 1024 to %d bytes", c.ShadowMaxStateBytes, 1<<20)
	}
	if c.ShadowMaxDepth < 1 || c.ShadowMaxDepth > 32 {
		add("shadow-max-depth", "%d must be from 1 to 32", c.ShadowMaxDepth)
	}
	if c.ShadowMaxRequestBytes < 1024 || c.ShadowMaxRequestBytes > 64<<20 {
		add("shadow-max-request-bytes", "%d must be from 1024 to %d bytes", c.ShadowMaxRequestBytes, 64<<20)
	}
	if c.ShadowDeletedVersionTTL < time.Second || c.ShadowDeletedVersionTTL > 365*24*time.Hour {
		add("shadow-deleted-version-ttl", "%s must be from 1s to 8760h", c.ShadowDeletedVersionTTL)
	}
	// Rules engine.
	if c.RulesWorkers < 0 || c.RulesWorkers > 4096 {
		add("rules-workers", "%d must be from 0 to 4096 (0: 4 per CPU)", c.RulesWorkers)
	}
	if c.RulesQueueLength < 1 || c.RulesQueueLength > 1<<24 {
		add("rules-queue-length", "%d must be from 1 to %d", c.RulesQueueLength, 1<<24)
	}
	if c.RulesMaxHops < 1 || c.RulesMaxHops > 64 {
		add("rules-max-hops", "%d must be from 1 to 64", c.RulesMaxHops)
	}
	if c.RulesActionTimeout < 100*time.Millisecond || c.RulesActionTimeout > 15*time.Minute {
		add("rules-action-timeout", "%s must be from 100ms to 15m", c.RulesActionTimeout)
	}
	if c.RulesAWSRegion != "" && !regionRe.MatchString(c.RulesAWSRegion) {
		add("rules-aws-region", "%q is not an AWS region name like us-east-1", c.RulesAWSRegion)
	}
	if u, err := url.Parse(c.RulesAWSEndpoint); c.RulesAWSEndpoint != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		add("rules-aws-endpoint", "%q must be an http:// or https:// URL", redactURL(c.RulesAWSEndpoint))
	}
	return p
}

func checkStore(s string) error {
	switch {
	case s == "sqlite":
		return nil
	case strings.HasPrefix(s, "sqlite:"):
		if strings.TrimPrefix(s, "sqlite:") == "" {
			return fmt.Errorf("%q names no file (want sqlite:PATH)", s)
		}
		return nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			return fmt.Errorf("not a PostgreSQL URL: %v", err)
		}
		return nil
	}
	return fmt.Errorf("%q must be sqlite, sqlite:PATH or a postgres:// URL", redactURL(s))
}

// redactURL hides a password that a mistyped store URL may carry.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

func checkAddr(a string) error {
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port (%v)", a, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port", a)
	}
	return nil
}

func hostOf(a string) string {
	h, _, _ := net.SplitHostPort(a)
	return h
}

func isLoopbackAddr(a string) bool {
	h := hostOf(a)
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// bindLoopbackInDev makes --dev listen on loopback when no host was given.
func (c *Config) bindLoopbackInDev() {
	if !c.Dev {
		return
	}
	for _, addr := range []*string{&c.HTTPSAddr, &c.MQTTAddr} {
		if hostOf(*addr) == "" {
			_, port, _ := net.SplitHostPort(*addr)
			*addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
}

// nodeIDRe is what a node id may be: it names NATS subjects and servers.
var nodeIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validateCluster checks the scale-out settings: a cluster shares one
// PostgreSQL store, and either external NATS or embedded routes.
func (c *Config) validateCluster(add func(key, format string, args ...any)) {
	if !c.Clustered() {
		return
	}
	if !strings.HasPrefix(c.Store, "postgres://") && !strings.HasPrefix(c.Store, "postgresql://") {
		add("store", "a cluster needs a shared postgres:// store; %q is one node's", redactURL(c.Store))
	}
	if len(c.Cluster) > 0 && (c.ClusterListen != "" || len(c.ClusterRoutes) > 0) {
		add("cluster", "use either external NATS (--cluster) or embedded routes (--cluster-listen, --cluster-routes), not both")
	}
	if len(c.ClusterRoutes) > 0 && c.ClusterListen == "" {
		add("cluster-routes", "needs --cluster-listen, the address this node's routes listen on")
	}
	if c.ClusterListen != "" {
		if err := checkAddr(c.ClusterListen); err != nil {
			add("cluster-listen", "%v", err)
		}
	}
	for _, u := range append(append([]string{}, c.Cluster...), c.ClusterRoutes...) {
		if pu, err := url.Parse(u); err != nil || pu.Scheme != "nats" || pu.Host == "" {
			add("cluster", "%q is not a nats://host:port URL", redactURL(u))
		}
	}
	if c.ClusterReplicas < 0 || c.ClusterReplicas > 5 {
		add("cluster-replicas", "%d must be from 0 to 5", c.ClusterReplicas)
	}
	if c.NodeID != "" && !nodeIDRe.MatchString(c.NodeID) {
		add("node-id", "%q may hold only letters, digits, - and _ (at most 64)", c.NodeID)
	}
}
