package action

import (
	"context"
	"crypto/x509"
	"fmt"
	"strconv"
	"strings"
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
		c.enum("clientProperties.sasl.mechanism", p.ClientProperties["sasl.mechanism"], "PLAIN", "SCRAM-SHA-512", "GSSAPI")
		if p.ClientProperties["security.protocol"] == "SASL_SSL" {
			c.required("clientProperties.sasl.mechanism", p.ClientProperties["sasl.mechanism"])
		}
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
	roots       *x509.CertPool // the roots TLS trusts; nil: the system's
	sasl        kafkaSASL      // zero: no SASL
	manual      bool           // the action names the partition
}

// kafkaSASL is SASL_SSL's mechanism and credentials (clientProperties
// sasl.plain.* or sasl.scram.*).
type kafkaSASL struct {
	mechanism, user, pass string
}

// config reads the client properties. security.protocol is SSL (AWS's
// default), SASL_SSL with sasl.mechanism PLAIN or SCRAM-SHA-512, or
// PLAINTEXT (hob's addition, for on-premises clusters). TLS trusts roots.
func (p *kafkaParams) config(roots *x509.CertPool) (kafkaConfig, error) {
	cp := p.ClientProperties
	cfg := kafkaConfig{servers: cp["bootstrap.servers"], acks: cp["acks"], compression: cp["compression.type"],
		tls: true, roots: roots, manual: p.Partition != ""}
	switch cp["security.protocol"] {
	case "", "SSL":
	case "SASL_SSL":
		sasl, err := saslConfig(cp)
		if err != nil {
			return cfg, err
		}
		cfg.sasl = sasl
	case "PLAINTEXT":
		cfg.tls = false
	default:
		return cfg, fmt.Errorf("kafka: security.protocol %s is not supported by hob (use SSL, SASL_SSL or PLAINTEXT)", cp["security.protocol"])
	}
	if cfg.sasl.mechanism == "" && cp["sasl.mechanism"] != "" {
		return cfg, fmt.Errorf("kafka: sasl.mechanism needs security.protocol SASL_SSL")
	}
	return cfg, nil
}

// saslConfig reads the SASL mechanism and its credentials. Kerberos
// (GSSAPI) is not supported by hob.
func saslConfig(cp map[string]string) (kafkaSASL, error) {
	var prefix string
	switch m := cp["sasl.mechanism"]; m {
	case "PLAIN":
		prefix = "sasl.plain."
	case "SCRAM-SHA-512":
		prefix = "sasl.scram."
	case "GSSAPI":
		return kafkaSASL{}, fmt.Errorf("kafka: sasl.mechanism GSSAPI (Kerberos) is not supported by hob (use PLAIN or SCRAM-SHA-512)")
	default:
		return kafkaSASL{}, fmt.Errorf("kafka: security.protocol SASL_SSL needs sasl.mechanism PLAIN or SCRAM-SHA-512")
	}
	s := kafkaSASL{mechanism: cp["sasl.mechanism"], user: cp[prefix+"username"], pass: cp[prefix+"password"]}
	if s.user == "" || s.pass == "" {
		return kafkaSASL{}, fmt.Errorf("kafka: sasl.mechanism %s needs %susername and %spassword", s.mechanism, prefix, prefix)
	}
	return s, nil
}

func (p *kafkaParams) build(d Deps) (Action, error) {
	cfg, err := p.config(httpRoots(d.HTTP))
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

var _ Action = (*kafkaAction)(nil)
