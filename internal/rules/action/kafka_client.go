package action

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// httpRoots returns the roots client's TLS trusts (--rules-http-ca-file
// added to the system's), or nil for the system's.
func httpRoots(client *http.Client) *x509.CertPool {
	if client == nil {
		return nil
	}
	if tr, ok := client.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		return tr.TLSClientConfig.RootCAs
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
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.roots}))
	}
	switch s := cfg.sasl; s.mechanism {
	case "PLAIN":
		opts = append(opts, kgo.SASL(plain.Auth{User: s.user, Pass: s.pass}.AsMechanism()))
	case "SCRAM-SHA-512":
		opts = append(opts, kgo.SASL(scram.Auth{User: s.user, Pass: s.pass}.AsSha512Mechanism()))
	}
	if cfg.manual {
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	return opts
}
