package app_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/testutil"
)

// dataResponse is an iot-data answer: status, x-amzn-ErrorType and body.
type dataResponse struct {
	status  int
	errType string
	body    string
}

// dataCall sends an iot-data request to srv over client. With sign it is
// signed with the admin key for "iotdata"; otherwise it relies on the
// client's TLS certificate, if any.
func dataCall(t *testing.T, srv *testutil.Server, client *http.Client, method, path, body string, hdr http.Header, sign bool) dataResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if sign {
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iotdata", srv.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return dataResponse{resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(b)}
}

// certClient is an HTTPS client presenting tlsCfg's client certificate.
func certClient(tlsCfg *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg.Clone()
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// subscribe subscribes c to filter at QoS 1 and returns the payloads it
// receives.
func subscribe(t *testing.T, c mqtt.Client, filter string) <-chan string {
	t.Helper()
	got := make(chan string, 8)
	tok := c.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) { got <- string(m.Payload()) })
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return got
}

func receive(t *testing.T, got <-chan string, want string) {
	t.Helper()
	select {
	case m := <-got:
		if m != want {
			t.Fatalf("received %q, want %q", m, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%q did not arrive", want)
	}
}

func TestDataPlane_CLIPublish_ReachesMQTTSubscriber(t *testing.T) {
	srv := testutil.StartServer(t)
	d := provision(t, srv, srv.IoT(t), "t")
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	got := subscribe(t, c, "elf/t")
	raw := "--cli-binary-format=raw-in-base64-out"
	if out, stderr, _ := srv.AWSCLI(t, "--version"); strings.HasPrefix(out+stderr, "aws-cli/1.") {
		raw = "--no-paginate" // CLI v1 sends blob arguments raw already
	}
	out, stderr, code := srv.AWSCLI(t, "iot-data", "publish", "--topic", "elf/t", "--qos", "1",
		"--payload", `{"temp":21}`, raw)
	if code != 0 {
		t.Fatalf("aws iot-data publish: exit %d: %s", code, stderr)
	}
	t.Logf("publish answered %s", out)
	receive(t, got, `{"temp":21}`)
}

func TestDataPlane_CertificatePublish_GovernedByPolicy(t *testing.T) {
	srv := testutil.StartServer(t)
	// ${iot:Connection.Thing.ThingName} needs a client id, which an
	// HTTP publish does not have (spec §4.12): name the topics.
	d := provisionWithPolicy(t, srv, srv.IoT(t), "cert_pub", strings.ReplaceAll(thingPolicy,
		"topic/elf/${iot:Connection.Thing.ThingName}", "topic/elf/cert_pub"))
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	got := subscribe(t, c, "elf/cert_pub")
	hc := certClient(d.tls)

	r := dataCall(t, srv, hc, "POST", "/topics/elf%2Fcert_pub?qos=1", "over https", nil, false)
	if r.status != 200 || !strings.Contains(r.body, `"message":"OK"`) {
		t.Fatalf("own topic: %+v", r)
	}
	receive(t, got, "over https")

	for _, tc := range []struct {
		name, method, path string
		status             int
		errType            string
	}{
		{"another thing's topic", "POST", "/topics/elf%2Fother_thing", 403, "ForbiddenException"},
		{"retain without iot:RetainPublish", "POST", "/topics/elf%2Fcert_pub?retain=true", 403, "ForbiddenException"},
		{"retained message without iot:GetRetainedMessage", "GET", "/retainedMessage/elf%2Fcert_pub", 403, "ForbiddenException"},
		// The control plane stays SigV4 only.
		{"control plane", "GET", "/things", 403, "MissingAuthenticationTokenException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dataCall(t, srv, hc, tc.method, tc.path, "x", nil, false)
			if r.status != tc.status || r.errType != tc.errType || !json.Valid([]byte(r.body)) {
				t.Fatalf("got %+v, want %d %s", r, tc.status, tc.errType)
			}
		})
	}
}

func TestDataPlane_UnregisteredCertificate_Forbidden(t *testing.T) {
	srv := testutil.StartServer(t)
	certFile, keyFile := unregisteredFiles(t)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.HTTPClient(t).Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.Certificates = []tls.Certificate{cert}
	r := dataCall(t, srv, certClient(cfg), "POST", "/topics/elf%2Fx", "x", nil, false)
	if r.status != 403 || r.errType != "ForbiddenException" || !strings.Contains(r.body, "not registered") {
		t.Fatalf("unregistered certificate: %+v", r)
	}
}

func TestDataPlane_Publish_MQTT5Properties(t *testing.T) {
	srv := testutil.StartServer(t)
	d := provision(t, srv, srv.IoT(t), "v5")
	conn, err := tls.Dial("tcp", srv.App.MQTTAddr().String(), d.tls)
	if err != nil {
		t.Fatal(err)
	}
	msgs := make(chan *paho.Publish, 4)
	pc := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			msgs <- pr.Packet
			return true, nil
		}},
		OnClientError: func(error) {}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pc.Connect(ctx, &paho.Connect{ClientID: "v5", CleanStart: true, KeepAlive: 60}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer pc.Disconnect(&paho.Disconnect{})
	if _, err := pc.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "elf/v5", QoS: 1}}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}

	// Other SDKs than boto3 send the array encoded once.
	hdr := http.Header{}
	hdr.Set("x-amz-mqtt5-user-properties", base64.StdEncoding.EncodeToString([]byte(`[{"a":"1"},{"b":"2"},{"a":"3"}]`)))
	hdr.Set("x-amz-mqtt5-payload-format-indicator", "UTF8_DATA")
	hdr.Set("x-amz-mqtt5-correlation-data", base64.StdEncoding.EncodeToString([]byte("req-7")))
	r := dataCall(t, srv, srv.HTTPClient(t), "POST", "/topics/elf%2Fv5?qos=1&contentType=text%2Fplain&responseTopic=elf%2Freply&messageExpiry=60",
		"props", hdr, true)
	if r.status != 200 {
		t.Fatalf("publish: %+v", r)
	}
	select {
	case m := <-msgs:
		p := m.Properties
		var ups []string
		for _, up := range p.User {
			ups = append(ups, up.Key+"="+up.Value)
		}
		if string(m.Payload) != "props" || m.QoS != 1 || strings.Join(ups, ",") != "a=1,b=2,a=3" ||
			p.ContentType != "text/plain" || p.ResponseTopic != "elf/reply" || string(p.CorrelationData) != "req-7" ||
			p.PayloadFormat == nil || *p.PayloadFormat != 1 || p.MessageExpiry == nil || *p.MessageExpiry > 60 {
			t.Fatalf("received %+v with properties %+v", m, p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the message did not arrive")
	}
}
