package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// The benchmarks in this file measure durable shadow updates end to end:
// a device's update counts once its update/accepted reply arrived, which
// the service publishes only after the new version is committed to the
// store. Each device updates its own shadow, one request in flight, as a
// fleet of devices reporting telemetry does. docs/benchmarks.md records
// the results.

// benchStores are the store engines the shadow benchmarks run on.
var benchStores = []struct {
	name string
	opts []testutil.Option
}{{"sqlite", nil}, {"postgres", []testutil.Option{testutil.WithPostgres()}}}

// BenchmarkShadow_MQTTUpdates: devices connect over the --dev plain
// listener (TLS costs nothing per update once connected) and each updates
// its own classic shadow, waiting for update/accepted before the next.
// One hob per store serves every fleet size, warmed up first, so the
// numbers are not those of a server still starting (generating its key
// pool, filling its caches).
func BenchmarkShadow_MQTTUpdates(b *testing.B) {
	sizes := []int{16, 64, 256}
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			opts := append([]testutil.Option{testutil.WithConfig(func(c *config.Config) { c.Dev = true })}, st.opts...)
			srv := testutil.StartServer(b, opts...)
			fleet := connectFleet(b, srv.App.DevMQTTAddr().String(), sizes[len(sizes)-1])
			update := func(i, n int) error { return fleet[i].update(n) }
			warmUp(b, len(fleet), update)
			for _, devices := range sizes {
				b.Run(fmt.Sprintf("devices=%d", devices), func(b *testing.B) {
					runFleet(b, devices, update)
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
				})
			}
		})
	}
}

// BenchmarkShadow_HTTPUpdates: concurrent UpdateThingShadow calls, each
// client on its own thing, signed with SigV4 as the aws CLI and SDKs do.
func BenchmarkShadow_HTTPUpdates(b *testing.B) {
	sizes := []int{16, 64}
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			srv := testutil.StartServer(b, st.opts...)
			hc := srv.HTTPClient(b)
			hc.Transport.(*http.Transport).MaxIdleConnsPerHost = sizes[len(sizes)-1]
			update := func(i, n int) error {
				body := fmt.Sprintf(`{"state":{"reported":{"temp":%d}}}`, n)
				status, out := signedPost(b, srv, hc, fmt.Sprintf("/things/http%03d/shadow", i), body)
				if status != 200 {
					return fmt.Errorf("update answered %d %s", status, out)
				}
				return nil
			}
			warmUp(b, sizes[len(sizes)-1], update)
			for _, clients := range sizes {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					runFleet(b, clients, update)
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
				})
			}
		})
	}
}

// warmUp runs do from workers goroutines for a few seconds, unmeasured.
func warmUp(b *testing.B, workers int, do func(i, n int) error) {
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline); n++ {
				if err := do(i, n); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// runFleet runs b.N calls of do spread over workers goroutines, worker i
// making its calls in sequence with n counting its own calls.
func runFleet(b *testing.B, workers int, do func(i, n int) error) {
	b.ResetTimer()
	defer b.StopTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			for n := 0; next.Add(1) <= int64(b.N); n++ {
				if err := do(i, n); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// benchDevice is one device of the MQTT benchmark: its client and the
// replies to its updates.
type benchDevice struct {
	c       mqtt.Client
	thing   string
	replies chan string // topics of update/accepted and update/rejected
}

// connectFleet connects n devices to the plain listener at addr, each
// subscribed to the replies of its own shadow's updates.
func connectFleet(b *testing.B, addr string, n int) []*benchDevice {
	fleet := make([]*benchDevice, n)
	for i := range fleet {
		d := &benchDevice{thing: fmt.Sprintf("bench%04d", i), replies: make(chan string, 4)}
		opts := mqtt.NewClientOptions().AddBroker("tcp://" + addr).SetClientID(d.thing).
			SetAutoReconnect(false).SetConnectTimeout(10 * time.Second).SetProtocolVersion(4).SetOrderMatters(false)
		d.c = mqtt.NewClient(opts)
		if tok := d.c.Connect(); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
			b.Fatalf("connect %s: %v", d.thing, tok.Error())
		}
		b.Cleanup(func() { d.c.Disconnect(0) })
		// As the Device SDKs do: the replies to its own requests, not
		// update/documents.
		p := "$aws/things/" + d.thing + "/shadow/update/"
		tok := d.c.SubscribeMultiple(map[string]byte{p + "accepted": 1, p + "rejected": 1}, func(_ mqtt.Client, m mqtt.Message) {
			d.replies <- m.Topic()
		})
		if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			b.Fatalf("subscribe %s: %v", p, tok.Error())
		}
		fleet[i] = d
	}
	return fleet
}

// update sends the device's n-th update and waits for its reply.
func (d *benchDevice) update(n int) error {
	payload := fmt.Sprintf(`{"state":{"reported":{"temp":%d,"seq":%d}},"clientToken":"%s-%d"}`, 20+n%10, n, d.thing, n)
	if tok := d.c.Publish("$aws/things/"+d.thing+"/shadow/update", 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		return fmt.Errorf("%s: publish: %v", d.thing, tok.Error())
	}
	select {
	case topic := <-d.replies:
		if !strings.HasSuffix(topic, "/accepted") {
			return fmt.Errorf("%s: update %d answered on %s", d.thing, n, topic)
		}
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s: no reply to update %d", d.thing, n)
	}
}

// signedPost sends body to path signed with the admin key for "iotdata"
// and returns the status and body of the answer.
func signedPost(tb testing.TB, srv *testutil.Server, hc *http.Client, path, body string) (int, string) {
	req, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iotdata", srv.Region, time.Now()); err != nil {
		return 0, err.Error()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
