package action_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

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

// consumeOne reads the first record of topic, with the client options
// extra (TLS, SASL).
func consumeOne(t *testing.T, servers, topic string, extra ...kgo.Opt) *kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(servers, ",")...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, extra...)...)
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

// TestKafka_Build_SASLBadInput checks the SASL properties hob refuses,
// naming what is wrong.
func TestKafka_Build_SASLBadInput(t *testing.T) {
	for props, want := range map[string]string{
		`"security.protocol":"SASL_SSL"`:                                                    "clientProperties.sasl.mechanism",
		`"security.protocol":"SASL_SSL","sasl.mechanism":"GSSAPI"`:                          "GSSAPI (Kerberos) is not supported",
		`"security.protocol":"SASL_SSL","sasl.mechanism":"PLAIN","sasl.plain.username":"u"`: "needs sasl.plain.username and sasl.plain.password",
		`"security.protocol":"SSL","sasl.mechanism":"PLAIN"`:                                "needs security.protocol SASL_SSL",
		`"security.protocol":"SASL_SSL","sasl.mechanism":"SCRAM-SHA-256"`:                   "clientProperties.sasl.mechanism",
	} {
		raw := `{"kafka":{"destinationArn":"d","topic":"t","clientProperties":{"bootstrap.servers":"h:1",` + props + `}}}`
		if _, err := action.Build(json.RawMessage(raw), fakeDeps()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", props, err, want)
		}
	}
}

// tlsKafka starts an in-process cluster serving TLS with httptest's
// certificate, with SASL users when sasl is set, and returns its
// addresses and an HTTP client whose roots trust it (the action takes
// its roots from Deps.HTTP, as from --rules-http-ca-file).
func tlsKafka(t *testing.T, sasl ...kfake.Opt) (string, *http.Client) {
	t.Helper()
	cert := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(cert.Close)
	opts := append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(1, "readings"),
		kfake.TLS(&tls.Config{Certificates: cert.TLS.Certificates})}, sasl...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ","), cert.Client()
}

// TestKafka_Do_TLSAndSASL produces over TLS to a cluster whose
// certificate only the configured roots trust, with and without SASL
// (PLAIN and SCRAM-SHA-512), and reads the record back as that user.
func TestKafka_Do_TLSAndSASL(t *testing.T) {
	cases := []struct {
		name, props string
		cluster     []kfake.Opt
		consumer    sasl.Mechanism
	}{
		{"SSL", `"security.protocol":"SSL"`, nil, nil},
		{"SASL_SSL PLAIN", `"security.protocol":"SASL_SSL","sasl.mechanism":"PLAIN","sasl.plain.username":"hob","sasl.plain.password":"pw-plain"`,
			[]kfake.Opt{kfake.EnableSASL(), kfake.Superuser("PLAIN", "hob", "pw-plain")}, plain.Auth{User: "hob", Pass: "pw-plain"}.AsMechanism()},
		{"SASL_SSL SCRAM-SHA-512", `"security.protocol":"SASL_SSL","sasl.mechanism":"SCRAM-SHA-512","sasl.scram.username":"hob","sasl.scram.password":"pw-scram"`,
			[]kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "hob", "pw-scram")}, scram.Auth{User: "hob", Pass: "pw-scram"}.AsSha512Mechanism()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			servers, client := tlsKafka(t, c.cluster...)
			d := fakeDeps()
			d.HTTP = client
			raw := `{"kafka":{"destinationArn":"d","topic":"readings","clientProperties":{"bootstrap.servers":"` + servers + `",` + c.props + `}}}`
			a, err := action.Build(json.RawMessage(raw), d)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.(io.Closer).Close() })
			if err := a.Do(context.Background(), &action.Invocation{Topic: "dev", Output: []byte(`{"t":1}`)}); err != nil {
				t.Fatal(err)
			}
			opts := []kgo.Opt{kgo.DialTLSConfig(client.Transport.(*http.Transport).TLSClientConfig.Clone())}
			if c.consumer != nil {
				opts = append(opts, kgo.SASL(c.consumer))
			}
			if rec := consumeOne(t, servers, "readings", opts...); string(rec.Value) != `{"t":1}` {
				t.Errorf("record %q", rec.Value)
			}
		})
	}
}

// TestKafka_Do_TLSAndSASLRefused checks that a wrong password and an
// untrusted certificate fail the firing.
func TestKafka_Do_TLSAndSASLRefused(t *testing.T) {
	servers, client := tlsKafka(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "hob", "pw-plain"))
	for name, deps := range map[string]func(*action.Deps){
		"wrong password":        func(d *action.Deps) { d.HTTP = client },
		"untrusted certificate": func(d *action.Deps) {}, // system roots
	} {
		d := fakeDeps()
		deps(&d)
		pass := "pw-plain"
		if name == "wrong password" {
			pass = "wrong"
		}
		raw := `{"kafka":{"destinationArn":"d","topic":"readings","clientProperties":{"bootstrap.servers":"` + servers +
			`","security.protocol":"SASL_SSL","sasl.mechanism":"PLAIN","sasl.plain.username":"hob","sasl.plain.password":"` + pass + `"}}}`
		a, err := action.Build(json.RawMessage(raw), d)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = a.Do(ctx, &action.Invocation{Topic: "dev", Output: []byte(`{}`)})
		cancel()
		a.(io.Closer).Close()
		if err == nil || !strings.Contains(err.Error(), "Failed to send message to Kafka topic readings") {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(fmt.Sprint(err), pass) {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
	}
}
