package action

import (
	"context"
	"crypto/tls"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaDeliveryTimeout bounds one produce, so a dead cluster fails the
// action (and feeds the error action) instead of holding a worker.
const kafkaDeliveryTimeout = 10 * time.Second

// kafkaParams is AWS's KafkaAction.
type kafkaParams struct {
	DestinationArn   string            `json:"destinationArn"`
	Topic            string            `json:"topic"`
	Key              string            `json:"key"`
	Partition        string            `json:"partition"`
	ClientProperties map[string]string `json:"clientProperties"`
	Headers          []keyValue        `json:"headers"`
}

func (p *kafkaParams) check(c *checker) {
	c.required("destinationArn", p.DestinationArn)
	c.required("topic", p.Topic)
	if p.ClientProperties == nil {
		c.required("clientProperties", "")
	} else {
		c.required("clientProperties.bootstrap.servers", p.ClientProperties["bootstrap.servers"])
		c.enum("clientProperties.acks", p.ClientProperties["acks"], "0", "1", "all", "-1")
		c.enum("clientProperties.compression.type", p.ClientProperties["compression.type"], "none", "gzip", "snappy", "lz4", "zstd")
		c.enum("clientProperties.security.protocol", p.ClientProperties["security.protocol"], "SSL", "SASL_SSL", "PLAINTEXT")
	}
	if len(p.Headers) > 100 {
		c.addf("headers", "Member must have length less than or equal to 100")
	}
	for i, h := range p.Headers {
		f := fmt.Sprintf("headers.%d.member.", i+1)
		c.required(f+"key", h.Key)
		c.maxLen(f+"key", h.Key, 16384)
		c.required(f+"value", h.Value)
		c.maxLen(f+"value", h.Value, 16384)
	}
}

// kafkaConfig is what distinguishes one producer client from another.
type kafkaConfig struct {
	servers     string
	acks        string
	compression string
	tls         bool
	manual      bool // the action names the partition
}

func (p *kafkaParams) config() (kafkaConfig, error) {
	cp := p.ClientProperties
	cfg := kafkaConfig{servers: cp["bootstrap.servers"], acks: cp["acks"], compression: cp["compression.type"],
		tls: true, manual: p.Partition != ""}
	switch cp["security.protocol"] {
	case "", "SSL": // AWS's default
	case "PLAINTEXT": // hob's addition, for on-premises clusters
		cfg.tls = false
	default:
		return cfg, fmt.Errorf("kafka: security.protocol %s is not supported by hob (use SSL or PLAINTEXT)", cp["security.protocol"])
	}
	if cp["sasl.mechanism"] != "" {
		return cfg, fmt.Errorf("kafka: SASL is not supported by hob")
	}
	return cfg, nil
}

func (p *kafkaParams) build(d Deps) (Action, error) {
	cfg, err := p.config()
	if err != nil {
		return nil, err
	}
	a := &kafkaAction{p: *p, cfg: cfg, clients: d.Kafka}
	if a.clients == nil {
		a.clients, a.own = NewKafkaClients(), true
	}
	return a, nil
}

// kafkaAction produces the SELECT output as one record.
type kafkaAction struct {
	p       kafkaParams
	cfg     kafkaConfig
	clients *KafkaClients
	own     bool // clients is this action's alone: Close closes it
}

func (a *kafkaAction) Kind() string     { return "KafkaAction" }
func (a *kafkaAction) Resource() string { return a.p.Topic }

// Do renders the record's topic, key, partition and headers and produces it.
func (a *kafkaAction) Do(ctx context.Context, inv *Invocation) error {
	rec, err := a.record(inv)
	if err != nil {
		return fmt.Errorf("Failed to send message to Kafka topic %s. %w", a.p.Topic, err)
	}
	cl, err := a.clients.get(a.cfg)
	if err != nil {
		return err
	}
	if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return fmt.Errorf("Failed to send message to Kafka topic %s. The error received was %w", rec.Topic, err)
	}
	return nil
}

// record builds the record for inv.
func (a *kafkaAction) record(inv *Invocation) (*kgo.Record, error) {
	topic, err := render(inv, a.p.Topic)
	if err != nil {
		return nil, err
	}
	rec := &kgo.Record{Topic: topic, Value: inv.Output}
	if a.p.Key != "" {
		key, err := render(inv, a.p.Key)
		if err != nil {
			return nil, err
		}
		rec.Key = []byte(key)
	}
	if a.p.Partition != "" {
		s, err := render(inv, a.p.Partition)
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("partition %q is not a partition number", s)
		}
		rec.Partition = int32(n)
	}
	for _, h := range a.p.Headers {
		k, err := render(inv, h.Key)
		if err != nil {
			return nil, err
		}
		v, err := render(inv, h.Value)
		if err != nil {
			return nil, err
		}
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
	}
	return rec, nil
}

// Close closes the action's own producer client, if it has one.
func (a *kafkaAction) Close() error {
	if a.own {
		a.clients.Close()
	}
	return nil
}

// KafkaClients holds one producer client per distinct configuration,
// shared by the kafka actions built with it (Deps.Kafka). Close closes them
// all; it is safe for concurrent use.
type KafkaClients struct {
	mu      sync.Mutex // guards clients and closed
	clients map[kafkaConfig]*kgo.Client
	closed  bool
}

// NewKafkaClients returns an empty set of clients.
func NewKafkaClients() *KafkaClients {
	return &KafkaClients{clients: make(map[kafkaConfig]*kgo.Client)}
}

// get returns the client for cfg, making it on first use.
func (k *KafkaClients) get(cfg kafkaConfig) (*kgo.Client, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, fmt.Errorf("kafka: the rules engine is shutting down")
	}
	if cl := k.clients[cfg]; cl != nil {
		return cl, nil
	}
	cl, err := kgo.NewClient(cfg.opts()...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	k.clients[cfg] = cl
	return cl, nil
}

// Close closes every client; later produces fail. It is idempotent.
func (k *KafkaClients) Close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	for cfg, cl := range k.clients {
		cl.Close()
		delete(k.clients, cfg)
	}
}

// opts are cfg's franz-go options.
func (cfg kafkaConfig) opts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(strings.Split(cfg.servers, ",")...),
		kgo.RecordDeliveryTimeout(kafkaDeliveryTimeout),
	}
	switch cfg.acks {
	case "0":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
	case "", "1": // AWS's default is 1
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	default:
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	}
	codec := map[string]kgo.CompressionCodec{"gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
		"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression()}
	if c, ok := codec[cfg.compression]; ok {
		opts = append(opts, kgo.ProducerBatchCompression(c))
	} else {
		opts = append(opts, kgo.ProducerBatchCompression(kgo.NoCompression()))
	}
	if cfg.tls {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if cfg.manual {
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	return opts
}

var _ Action = (*kafkaAction)(nil)
