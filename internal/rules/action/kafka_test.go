package action_test

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hob-iot/hob/internal/rules/action"
)

// newKafka starts an in-process cluster with topic "readings" of 3 partitions.
func newKafka(t *testing.T) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "readings"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ",")
}

// consumeOne reads the first record of topic.
func consumeOne(t *testing.T, servers, topic string) *kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(servers, ",")...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consume: %v", err)
		}
		if recs := fs.Records(); len(recs) > 0 {
			return recs[0]
		}
	}
}

func TestKafka_Do_ProducesRecord(t *testing.T) {
	servers := newKafka(t)
	clients := action.NewKafkaClients()
	t.Cleanup(clients.Close)
	d := fakeDeps()
	d.Kafka = clients
	raw := `{"kafka":{"destinationArn":"arn:aws:iot:us-east-1:1:ruledestination/vpc/x","topic":"${t}","key":"${id}","partition":"${p}",
		"headers":[{"key":"source","value":"${topic()}"}],
		"clientProperties":{"bootstrap.servers":"` + servers + `","acks":"all","compression.type":"gzip","security.protocol":"PLAINTEXT"}}}`
	a, err := action.Build(json.RawMessage(raw), d)
	if err != nil {
		t.Fatal(err)
	}
	inv := &action.Invocation{Topic: "dev/1", Output: []byte(`{"temp":21}`),
		Render: renderer(t, map[string]string{"t": "readings", "id": "dev-1", "p": "2", "topic()": "dev/1"})}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := a.Do(ctx, inv); err != nil {
		t.Fatal(err)
	}
	rec := consumeOne(t, servers, "readings")
	if string(rec.Value) != `{"temp":21}` || string(rec.Key) != "dev-1" || rec.Partition != 2 {
		t.Errorf("record value %q key %q partition %d", rec.Value, rec.Key, rec.Partition)
	}
	if len(rec.Headers) != 1 || rec.Headers[0].Key != "source" || string(rec.Headers[0].Value) != "dev/1" {
		t.Errorf("headers %+v", rec.Headers)
	}
	if a.Kind() != "KafkaAction" || a.Resource() != "${t}" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
}

func TestKafka_Do_OwnClientClosed(t *testing.T) {
	servers := newKafka(t)
	raw := `{"kafka":{"destinationArn":"d","topic":"readings",
		"clientProperties":{"bootstrap.servers":"` + servers + `","security.protocol":"PLAINTEXT"}}}`
	a, err := action.Build(json.RawMessage(raw), fakeDeps())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), &action.Invocation{Output: []byte("raw bytes")}); err != nil {
		t.Fatal(err)
	}
	if rec := consumeOne(t, servers, "readings"); string(rec.Value) != "raw bytes" {
		t.Errorf("value %q", rec.Value)
	}
	if err := a.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), &action.Invocation{Output: []byte("x")}); err == nil {
		t.Error("Do after Close succeeded")
	}
}

func TestKafka_Build_SASLUnsupported(t *testing.T) {
	raw := `{"kafka":{"destinationArn":"d","topic":"t","clientProperties":{"bootstrap.servers":"h:1","security.protocol":"SASL_SSL"}}}`
	if _, err := action.Build(json.RawMessage(raw), fakeDeps()); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("got %v", err)
	}
}
