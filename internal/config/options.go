package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// option is one setting: its flag name, the environment variable and file
// key derived from it, help text, and how to parse a value into a Config.
type option struct {
	name   string // flag name: "data-dir"; env HOB_DATA_DIR; file key data_dir
	usage  string
	set    func(c *Config, v string) error
	get    func(c *Config) string // the default, for help
	isBool bool
}

func (o option) env() string { return "HOB_" + strings.ToUpper(strings.ReplaceAll(o.name, "-", "_")) }
func (o option) key() string { return strings.ReplaceAll(o.name, "-", "_") }

// options lists every setting once; flags, environment, file keys and help
// are all derived from it.
var options = []option{
	str("data-dir", "folder for hob's CA, server certificate, access keys and embedded store",
		func(c *Config) *string { return &c.DataDir }),
	str("store", `durable store: "sqlite" (embedded, in the data folder), "sqlite:PATH" or "postgres://user@host/db"`,
		func(c *Config) *string { return &c.Store }),
	{name: "hostname", usage: "names the server certificate covers, comma-separated; the first is the endpoint DescribeEndpoint returns (default: localhost, 127.0.0.1, ::1 and this machine's name)",
		set: func(c *Config, v string) error { c.Hostnames = splitList(v); return nil },
		get: func(c *Config) string { return strings.Join(c.Hostnames, ",") }},
	str("https-addr", "address of the HTTPS listener (control plane, data plane, WebSocket, console)",
		func(c *Config) *string { return &c.HTTPSAddr }),
	str("mqtt-addr", "address of the MQTT listener (TLS with client certificates, as AWS's port 8883)",
		func(c *Config) *string { return &c.MQTTAddr }),
	str("dev-mqtt-addr", "with --dev: loopback address of a plain (no TLS) MQTT listener for tools that cannot do TLS",
		func(c *Config) *string { return &c.DevMQTTAddr }),
	str("dev-policy", "with --dev: IoT policy file that governs plain-MQTT clients (default: allow everything)",
		func(c *Config) *string { return &c.DevPolicy }),
	{name: "qos2", isBool: true, usage: "accept QoS 2 publishes and subscriptions (AWS IoT Core does not; off by default)",
		set: func(c *Config, v string) (err error) { c.QoS2, err = parseBool(v); return },
		get: func(c *Config) string { return strconv.FormatBool(c.QoS2) }},
	{name: "session-expiry", usage: "how long a persistent MQTT session and its queued messages outlive the connection (AWS: 1h)",
		set: func(c *Config, v string) (err error) { c.SessionExpiry, err = time.ParseDuration(v); return },
		get: func(c *Config) string { return c.SessionExpiry.String() }},
	str("metrics-addr", "loopback address for /healthz and metrics",
		func(c *Config) *string { return &c.MetricsAddr }),
	str("region", "AWS region that ARNs and the endpoint name carry",
		func(c *Config) *string { return &c.Region }),
	str("account-id", "12-digit AWS account id that ARNs carry",
		func(c *Config) *string { return &c.AccountID }),
	{name: "dev", isBool: true, usage: "local testing only: bind to loopback and accept any well-formed SigV4 signature",
		set: func(c *Config, v string) (err error) { c.Dev, err = parseBool(v); return },
		get: func(c *Config) string { return strconv.FormatBool(c.Dev) }},
	str("log-level", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	str("log-format", "text or json", func(c *Config) *string { return &c.LogFormat }),
	{name: "max-body-size", usage: "largest API request body in bytes",
		set: func(c *Config, v string) (err error) { c.MaxBodySize, err = strconv.ParseInt(v, 10, 64); return },
		get: func(c *Config) string { return strconv.FormatInt(c.MaxBodySize, 10) }},
	{name: "shutdown-timeout", usage: "how long to let in-flight requests finish at shutdown (e.g. 10s)",
		set: func(c *Config, v string) (err error) { c.ShutdownTimeout, err = time.ParseDuration(v); return },
		get: func(c *Config) string { return c.ShutdownTimeout.String() }},

	// Scale-out (docs/cluster.md).
	{name: "cluster", usage: "join a cluster through these external NATS servers, comma-separated (nats://host:4222,...); needs a postgres:// store",
		set: func(c *Config, v string) error { c.Cluster = splitList(v); return nil },
		get: func(c *Config) string { return strings.Join(c.Cluster, ",") }},
	str("cluster-listen", "join a cluster with hob's embedded NATS server listening for routes on this host:port (no external NATS needed); needs a postgres:// store",
		func(c *Config) *string { return &c.ClusterListen }),
	{name: "cluster-routes", usage: "with --cluster-listen: the other nodes' route addresses, comma-separated (nats://host:port,...)",
		set: func(c *Config, v string) error { c.ClusterRoutes = splitList(v); return nil },
		get: func(c *Config) string { return strings.Join(c.ClusterRoutes, ",") }},
	intOpt("cluster-replicas", "NATS servers that keep the cluster's client-id owners (default 0: up to 3 embedded servers, 1 with --cluster; set 3 for a 3-server NATS cluster)",
		func(c *Config) *int { return &c.ClusterReplicas }),
	str("node-id", "this node's name in a cluster: letters, digits, - and _ (default: derived from the host name and MQTT port)",
		func(c *Config) *string { return &c.NodeID }),

	// MQTT broker limits (spec §4.3, §4.11); 0 turns one off.
	intOpt("mqtt-max-filters-per-subscribe", "most topic filters in one SUBSCRIBE; more are refused with Quota exceeded (AWS: 8; 0: no limit)",
		func(c *Config) *int { return &c.MQTTMaxFiltersPerSubscribe }),
	intOpt("mqtt-max-subscriptions", "most subscriptions of one MQTT session (AWS: 50; 0: no limit)",
		func(c *Config) *int { return &c.MQTTMaxSubscriptions }),
	intOpt("mqtt-max-connects-per-second", "most CONNECTs per second per client id (AWS: 1; default 0: no limit)",
		func(c *Config) *int { return &c.MQTTMaxConnectsPerSecond }),
	intOpt("mqtt-max-publishes-per-second", "most PUBLISHes per second per connection (AWS: 100; default 0: no limit, for load tests)",
		func(c *Config) *int { return &c.MQTTMaxPublishesPerSecond }),
	intOpt("mqtt-max-publish-bytes-per-second", "most PUBLISH payload bytes per second per connection (AWS: 524288; default 0: no limit)",
		func(c *Config) *int { return &c.MQTTMaxPublishBytesPerSecond }),

	// Device Shadow limits (spec §1.6, §1.8).
	{name: "shadow-max-state-bytes", usage: "largest desired+reported state of one shadow, in bytes (AWS: 8192)",
		set: func(c *Config, v string) (err error) { c.ShadowMaxStateBytes, err = strconv.Atoi(v); return },
		get: func(c *Config) string { return strconv.Itoa(c.ShadowMaxStateBytes) }},
	{name: "shadow-max-depth", usage: "deepest nesting inside a shadow's desired or reported section (AWS: 6)",
		set: func(c *Config, v string) (err error) { c.ShadowMaxDepth, err = strconv.Atoi(v); return },
		get: func(c *Config) string { return strconv.Itoa(c.ShadowMaxDepth) }},
	{name: "shadow-max-request-bytes", usage: "largest shadow request (MQTT payload or HTTP body), in bytes (AWS: 131072)",
		set: func(c *Config, v string) (err error) { c.ShadowMaxRequestBytes, err = strconv.Atoi(v); return },
		get: func(c *Config) string { return strconv.Itoa(c.ShadowMaxRequestBytes) }},
	{name: "shadow-deleted-version-ttl", usage: "how long a deleted shadow's version is kept, so a re-created shadow continues from it (AWS: 48h)",
		set: func(c *Config, v string) (err error) { c.ShadowDeletedVersionTTL, err = time.ParseDuration(v); return },
		get: func(c *Config) string { return c.ShadowDeletedVersionTTL.String() }},

	// Rules engine (rules-engine spec §2, §10).
	intOpt("rules-workers", "workers that evaluate topic rules and run their actions (default 0: 4 per CPU)",
		func(c *Config) *int { return &c.RulesWorkers }),
	intOpt("rules-queue-length", "rule evaluations that may wait for a worker; beyond it messages are dropped and counted",
		func(c *Config) *int { return &c.RulesQueueLength }),
	intOpt("rules-max-hops", "how many rule republishes in a chain a message may have gone through and still be evaluated",
		func(c *Config) *int { return &c.RulesMaxHops }),
	{name: "rules-action-timeout", usage: "longest run of one rule action, retries included (e.g. 10s)",
		set: func(c *Config, v string) (err error) { c.RulesActionTimeout, err = time.ParseDuration(v); return },
		get: func(c *Config) string { return c.RulesActionTimeout.String() }},
	str("rules-aws-region", "region of the AWS service actions (s3, dynamoDB, sqs...; default: --region); credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
		func(c *Config) *string { return &c.RulesAWSRegion }),
	str("rules-aws-endpoint", "one endpoint URL for every AWS service action, e.g. LocalStack or moto (default: AWS's endpoints)",
		func(c *Config) *string { return &c.RulesAWSEndpoint }),
	str("rules-http-ca-file", "PEM file of CA certificates the http action trusts besides the system's",
		func(c *Config) *string { return &c.RulesHTTPCAFile }),
}

// intOpt is an option holding a non-negative integer (Validate checks the
// range).
func intOpt(name, usage string, field func(*Config) *int) option {
	return option{name: name, usage: usage,
		set: func(c *Config, v string) (err error) { *field(c), err = strconv.Atoi(v); return },
		get: func(c *Config) string { return strconv.Itoa(*field(c)) }}
}

func str(name, usage string, field func(*Config) *string) option {
	return option{name: name, usage: usage,
		set: func(c *Config, v string) error { *field(c) = v; return nil },
		get: func(c *Config) string { return *field(c) }}
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("want true or false, got %q", v)
	}
	return b, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func lookup(name string) (option, bool) {
	for _, o := range options {
		if o.name == name {
			return o, true
		}
	}
	return option{}, false
}
