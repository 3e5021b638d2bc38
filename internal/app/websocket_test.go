package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	"github.com/gorilla/websocket"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/testutil"
)

// emptySHA256 is the payload hash of a presigned WebSocket URL.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// presignMQTT presigns wss://{srv}/mqtt as the AWS SDKs do (spec §5.3).
func presignMQTT(t *testing.T, srv *testutil.Server, secret, service string) string {
	t.Helper()
	u := strings.Replace(srv.URL, "https://", "wss://", 1) + "/mqtt?X-Amz-Expires=300"
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: srv.AccessKeyID, SecretAccessKey: secret}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, emptySHA256, service, "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// caTLS trusts hob's CA.
func caTLS(t *testing.T, srv *testutil.Server) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{RootCAs: pool}
}

func TestWebSocket_PresignedURL_MQTTRoundTrip(t *testing.T) {
	srv := testutil.StartServer(t)
	for _, service := range []string{"iotdevicegateway", "iotdata"} {
		t.Run(service, func(t *testing.T) {
			wsRoundTrip(t, srv, presignMQTT(t, srv, srv.SecretAccessKey, service), "ws-"+service)
		})
	}
}

// presignWithToken presigns wss://{srv}/mqtt for service with session
// token tok (spec §5.3). With inSignature the token is part of the
// canonical query, as aws-sdk-go-v2 and hand-written clients sign it;
// otherwise it is appended after signing, as the AWS CRT and Device SDKs
// do.
func presignWithToken(t *testing.T, srv *testutil.Server, service, tok string, inSignature bool) string {
	t.Helper()
	u := strings.Replace(srv.URL, "https://", "wss://", 1) + "/mqtt?X-Amz-Expires=300"
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey}
	if inSignature {
		creds.SessionToken = tok
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, emptySHA256, service, "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !inSignature {
		signed += "&X-Amz-Security-Token=" + url.QueryEscape(tok)
	}
	if !strings.Contains(signed, "X-Amz-Security-Token=") {
		t.Fatalf("presigned URL %s carries no session token", signed)
	}
	return signed
}

func TestWebSocket_PresignedURLWithSessionToken_MQTTRoundTrip(t *testing.T) {
	srv := testutil.StartServer(t)
	const tok = "FwoGZXIvYXdzEJr//////////wEaDH+session/token="
	for _, service := range []string{"iotdevicegateway", "iotdata"} {
		for _, signed := range []bool{false, true} {
			name := service + "/token appended after signing"
			if signed {
				name = service + "/token signed"
			}
			t.Run(name, func(t *testing.T) {
				wsRoundTrip(t, srv, presignWithToken(t, srv, service, tok, signed), fmt.Sprintf("ws-tok-%s-%v", service, signed))
			})
		}
	}
	t.Run("a signed token that was changed is refused", func(t *testing.T) {
		u := presignWithToken(t, srv, "iotdevicegateway", "signed-token", true)
		u = strings.Replace(u, "X-Amz-Security-Token=signed-token", "X-Amz-Security-Token=other-token", 1)
		d := websocket.Dialer{TLSClientConfig: caTLS(t, srv), Subprotocols: []string{"mqtt"}, HandshakeTimeout: 5 * time.Second}
		ws, resp, err := d.Dial(u, nil)
		if err == nil {
			ws.Close()
			t.Fatal("dial with a changed session token succeeded")
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("changed token: %v, %v; want 403", err, resp)
		}
	})
}

// wsRoundTrip connects paho.golang to the presigned URL u over
// WebSocket as client id, subscribes to a topic, publishes to it and
// waits for the message.
func wsRoundTrip(t *testing.T, srv *testutil.Server, u, id string) {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: caTLS(t, srv), Subprotocols: []string{"mqtt"}, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(u, nil)
	if err != nil {
		body := ""
		if resp != nil {
			b, _ := io.ReadAll(resp.Body)
			body = fmt.Sprintf("%d %s", resp.StatusCode, b)
		}
		t.Fatalf("dial: %v (%s)", err, body)
	}
	if ws.Subprotocol() != "mqtt" {
		t.Fatalf("subprotocol %q, want mqtt", ws.Subprotocol())
	}
	msgs := make(chan *paho.Publish, 4)
	pc := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(app.NewWSConn(ws)),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			msgs <- pr.Packet
			return true, nil
		}},
		OnClientError: func(error) {}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ca, err := pc.Connect(ctx, &paho.Connect{ClientID: id, CleanStart: true, KeepAlive: 60})
	if err != nil || ca.ReasonCode != 0 {
		t.Fatalf("connect: %v %+v", err, ca)
	}
	defer pc.Disconnect(&paho.Disconnect{})
	topic := "ws/" + id
	if _, err := pc.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if _, err := pc.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte("over websocket")}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	select {
	case p := <-msgs:
		if p.Topic != topic || string(p.Payload) != "over websocket" {
			t.Fatalf("got %s %q", p.Topic, p.Payload)
		}
	case <-ctx.Done():
		t.Fatal("no message")
	}
}

func TestWebSocket_WrongSecret_Forbidden(t *testing.T) {
	srv := testutil.StartServer(t)
	d := websocket.Dialer{TLSClientConfig: caTLS(t, srv), Subprotocols: []string{"mqtt"}, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(presignMQTT(t, srv, "wrong"+srv.SecretAccessKey, "iotdevicegateway"), nil)
	if err == nil {
		ws.Close()
		t.Fatal("dial with a wrong secret succeeded")
	}
	if resp == nil {
		t.Fatalf("dial: %v, no response", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("x-amzn-ErrorType") == "" || !strings.Contains(string(body), `"message"`) {
		t.Fatalf("wrong secret: %d %q %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
	}
}

func TestWebSocket_OtherRequestsReachTheAPI(t *testing.T) {
	srv := testutil.StartServer(t)
	// A plain GET /mqtt is no upgrade: the api answers it.
	resp, err := srv.HTTPClient(t).Get(srv.URL + "/mqtt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols || resp.Header.Get("x-amzn-ErrorType") == "" {
		t.Fatalf("GET /mqtt without upgrade: %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
}

func TestMQTTJS_WebSocketWithPresignedURL(t *testing.T) {
	dir := mqttjsDir(t)
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := startQoS2(t, mode.on)
			for _, version := range []string{"4", "5"} {
				t.Run("v"+version, func(t *testing.T) {
					topic := "ws/js" + version
					all := []string{"client.mjs", "--ca", srv.CAFile, "--id", "js-ws-" + version, "--timeout", "10000",
						"--wsurl", presignMQTT(t, srv, srv.SecretAccessKey, "iotdevicegateway"), "--mode", "roundtrip",
						"--topic", topic, "--qos", fmt.Sprint(mode.top), "--version", version, "--message", "hello wss"}
					r := runTool(t, 20*time.Second, dir, "node", all...)
					var res mqttjsResult
					if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
						t.Fatalf("node: exit %d, output %q, stderr %q: %v", r.code, r.stdout, r.stderr, err)
					}
					if r.code != 0 || !slices.Equal(res.Granted, []int{mode.top}) || len(res.Received) != 1 ||
						res.Received[0].Topic != topic || res.Received[0].Payload != "hello wss" || res.Received[0].QoS != mode.top {
						t.Fatalf("MQTT.js over wss: exit %d, %+v; want SUBACK [%d] and the message back at that QoS", r.code, res, mode.top)
					}
				})
			}
		})
	}
}
