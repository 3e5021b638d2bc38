// Package config is hob's configuration: one typed struct, its defaults in
// one function, and strict loading from an optional YAML or TOML file, the
// environment (HOB_...) and command-line flags, in that order of increasing
// precedence. Unknown keys and bad values are errors that name the key and
// where it came from; Validate reports every problem at once.
package config

import (
	"time"
)

// Config is everything `hob serve` can be told.
type Config struct {
	DataDir         string        // folder for the CA, keys and the embedded store
	Store           string        // "sqlite" (in DataDir), "sqlite:PATH" or "postgres://..."
	Hostnames       []string      // names the server certificate covers; the first is the endpoint
	HTTPSAddr       string        // control plane, data plane, WebSocket, console
	MQTTAddr        string        // MQTT over TLS with client certificates
	DevMQTTAddr     string        // --dev only: plain MQTT on loopback
	DevPolicy       string        // --dev only: policy file for plain-MQTT clients ("" = allow all)
	QoS2            bool          // accept QoS 2 (AWS IoT Core does not)
	SessionExpiry   time.Duration // how long a persistent session outlives its connection
	MetricsAddr     string        // health and metrics; loopback only
	Region          string        // AWS region in ARNs and the endpoint name
	AccountID       string        // 12-digit AWS account id in ARNs
	Dev             bool          // local testing: loopback only, any well-formed signature
	LogLevel        string        // debug, info, warn, error
	LogFormat       string        // text or json
	MaxBodySize     int64         // bytes in one API request body
	ShutdownTimeout time.Duration // grace period for in-flight requests

	// MQTT broker limits (spec §4.3, §4.11); 0 turns one off. The count
	// limits are on by default, the rates off (load tests exceed them).
	MQTTMaxFiltersPerSubscribe   int // topic filters in one SUBSCRIBE (AWS: 8)
	MQTTMaxSubscriptions         int // subscriptions of one session (AWS: 50)
	MQTTMaxConnectsPerSecond     int // CONNECTs per client id (AWS: 1)
	MQTTMaxPublishesPerSecond    int // PUBLISHes per connection (AWS: 100)
	MQTTMaxPublishBytesPerSecond int // PUBLISH payload bytes per connection (AWS: 512 KB)

	// Device Shadow limits (spec §1.6, §1.8).
	ShadowMaxStateBytes     int           // bytes of desired+reported in one shadow (AWS: 8 KB)
	ShadowMaxDepth          int           // nesting levels inside desired or reported (AWS: 6)
	ShadowMaxRequestBytes   int           // bytes of one shadow request (AWS: 128 KB)
	ShadowDeletedVersionTTL time.Duration // how long a deleted shadow's version is kept (AWS: 48h)

	// Rules engine (rules-engine spec §2, §10). AWS credentials for the
	// AWS service actions come from AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, never from a file here.
	RulesWorkers       int           // workers evaluating rules and running actions (0: 4 × CPUs)
	RulesQueueLength   int           // rule evaluations waiting for a worker; more are dropped
	RulesMaxHops       int           // republish chain length after which messages are not evaluated
	RulesActionTimeout time.Duration // bound on one action run, retries included
	RulesAWSRegion     string        // region of the AWS service actions ("" = Region)
	RulesAWSEndpoint   string        // one endpoint for every AWS service action (LocalStack, moto); "" = AWS
	RulesHTTPCAFile    string        // PEM roots the http action trusts besides the system's

	// Scale-out (docs/cluster.md): nodes share a PostgreSQL store and NATS,
	// either an external NATS cluster (Cluster) or the nodes' embedded NATS
	// servers joined over routes (ClusterListen, ClusterRoutes).
	Cluster       []string // external NATS server URLs (nats://host:4222)
	ClusterListen string   // host:port of the embedded NATS server's route listener
	ClusterRoutes []string // route URLs of the other nodes' embedded NATS servers (nats://host:port)
	NodeID        string   // this node's name in the cluster ("" = derived from the host name and MQTT port)
	// ClusterReplicas is how many NATS servers keep the client-id owner
	// bucket (0: up to 3 of the embedded servers; 1 with external NATS).
	ClusterReplicas int
}

// Clustered reports whether c makes hob a node of a cluster.
func (c *Config) Clustered() bool {
	return len(c.Cluster) > 0 || c.ClusterListen != "" || len(c.ClusterRoutes) > 0
}

// Default returns the configuration used where nothing else is said. It
// is the one place defaults live.
func Default() Config {
	return Config{
		DataDir:         "hob-data",
		Store:           "sqlite",
		HTTPSAddr:       ":8443",
		MQTTAddr:        ":8883",
		DevMQTTAddr:     "127.0.0.1:1883",
		SessionExpiry:   time.Hour,
		MetricsAddr:     "127.0.0.1:9090",
		Region:          "us-east-1",
		AccountID:       "123456789012",
		LogLevel:        "info",
		LogFormat:       "text",
		MaxBodySize:     1 << 20,
		ShutdownTimeout: 10 * time.Second,

		MQTTMaxFiltersPerSubscribe: 8,
		MQTTMaxSubscriptions:       50,

		ShadowMaxStateBytes:     8192,
		ShadowMaxDepth:          6,
		ShadowMaxRequestBytes:   128 << 10,
		ShadowDeletedVersionTTL: 48 * time.Hour,

		RulesQueueLength:   16384,
		RulesMaxHops:       8,
		RulesActionTimeout: 10 * time.Second,
	}
}
