package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	"github.com/gorilla/websocket"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/testutil"
)

// dialWS connects a paho client over a presigned WebSocket URL; received
// messages go to msgs.
func dialWS(t *testing.T, srv *testutil.Server, clientID string, msgs chan<- *paho.Publish) *paho.Client {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: caTLS(t, srv), Subprotocols: []string{"mqtt"}, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(presignMQTT(t, srv, srv.SecretAccessKey, "iotdevicegateway"), nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	pc := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(app.NewWSConn(ws)),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			msgs <- pr.Packet
			return true, nil
		}},
		OnClientError: func(error) {}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ca, err := pc.Connect(ctx, &paho.Connect{ClientID: clientID, CleanStart: true, KeepAlive: 60}); err != nil || ca.ReasonCode != 0 {
		t.Fatalf("connect %s: %v %+v", clientID, err, ca)
	}
	t.Cleanup(func() { _ = pc.Disconnect(&paho.Disconnect{}) })
	return pc
}

// TestWebSocket_LifecycleEvent_PrincipalIdentifierIsTheSigV4Identity
// checks that the connected event of a SigV4 WebSocket client names the
// access key's identity in AWS's IAM shape (spec §4.10, §5.3), not a
// certificate id or hob's dev principal.
func TestWebSocket_LifecycleEvent_PrincipalIdentifierIsTheSigV4Identity(t *testing.T) {
	srv := testutil.StartServer(t)
	events := make(chan *paho.Publish, 4)
	watcher := dialWS(t, srv, "ws-watcher", events)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topic := "$aws/events/presence/connected/ws-watched"
	if _, err := watcher.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	dialWS(t, srv, "ws-watched", make(chan *paho.Publish, 1))
	var ev struct {
		ClientID            string `json:"clientId"`
		PrincipalIdentifier string `json:"principalIdentifier"`
	}
	select {
	case p := <-events:
		if err := json.Unmarshal(p.Payload, &ev); err != nil {
			t.Fatalf("event %s: %v", p.Payload, err)
		}
	case <-ctx.Done():
		t.Fatal("no connected event")
	}
	who := srv.AccessKeyID + ":" + auth.AdminName
	if want := srv.AccountID + "/" + who + "/" + who; ev.ClientID != "ws-watched" || ev.PrincipalIdentifier != want {
		t.Fatalf("event for %q names principal %q, want %q", ev.ClientID, ev.PrincipalIdentifier, want)
	}
}
