package app_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/testutil"
)

// End-to-end denials with live clients (paho.golang for MQTT 5,
// paho.mqtt.golang for 3.1.1) over TLS with certificates provisioned
// through the API, under the usual per-thing policy: AWS closes a 3.1.1
// connection on a denied PUBLISH or SUBSCRIBE and answers MQTT 5 with
// reason code 0x87 (spec §2.6). Denials the mosquitto, MQTT.js and
// mqtt_e2e tests already cover (another thing's elf topic over 3.1.1, an
// INACTIVE certificate, an unregistered certificate over mosquitto, and
// TestShadowMQTT_OtherThingsShadowDenied's 3.1.1 PUBLISH to another
// thing's shadow) are not repeated.

// shadowThingPolicy is thingPolicy plus the thing's own shadow topics,
// so that a denial on another thing's shadow is the policy variable's
// doing.
var shadowThingPolicy = strings.Replace(thingPolicy, `]}`, `,
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"}]}`, 1)

// denialV5 connects d with paho.golang (MQTT 5) over TLS to addr. It
// returns the client, its CONNACK and the connect error; server
// DISCONNECTs go to disco.
func denialV5(t *testing.T, d device, addr string, disco chan<- *paho.Disconnect) (*paho.Client, *paho.Connack, error) {
	t.Helper()
	nc, err := tls.Dial("tcp", addr, d.tls)
	if err != nil {
		return nil, nil, err // the handshake itself failed
	}
	pc := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(nc), OnClientError: func(error) {},
		OnServerDisconnect: func(p *paho.Disconnect) {
			if disco != nil {
				disco <- p
			}
		}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := pc.Connect(ctx, &paho.Connect{ClientID: d.name, CleanStart: true, KeepAlive: 60})
	if err == nil {
		t.Cleanup(func() { _ = pc.Disconnect(&paho.Disconnect{}) })
	} else {
		_ = nc.Close()
	}
	return pc, ack, err
}

func TestDenial_OtherThingsTopicsAndShadow(t *testing.T) {
	t.Parallel()
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	addr := srv.App.MQTTAddr().String()

	t.Run("MQTT 5 gets 0x87 and keeps its connection", func(t *testing.T) {
		d := provisionWithPolicy(t, srv, client, "deny5", shadowThingPolicy)
		pc, _, err := denialV5(t, d, addr, nil)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		sub := func(filter string) byte {
			sa, err := pc.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}})
			if sa == nil {
				t.Fatalf("subscribe %s: %v", filter, err)
			}
			return sa.Reasons[0]
		}
		pub := func(topic string) byte {
			r, err := pc.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(`{"state":{"desired":{"on":true}}}`)})
			if r == nil {
				t.Fatalf("publish %s: %v", topic, err)
			}
			return r.ReasonCode
		}
		for _, tc := range []struct {
			what string
			got  func() byte
			want byte
		}{
			{"SUBSCRIBE own elf topic", func() byte { return sub("elf/deny5") }, 1},
			{"SUBSCRIBE own shadow", func() byte { return sub("$aws/things/deny5/shadow/#") }, 1},
			{"PUBLISH another thing's topic", func() byte { return pub("elf/other") }, 0x87},
			{"SUBSCRIBE another thing's topic", func() byte { return sub("elf/other") }, 0x87},
			{"PUBLISH $aws/things/other/shadow/update", func() byte { return pub("$aws/things/other/shadow/update") }, 0x87},
			{"SUBSCRIBE $aws/things/other/shadow/#", func() byte { return sub("$aws/things/other/shadow/#") }, 0x87},
			{"PUBLISH own topic afterwards", func() byte { return pub("elf/deny5") }, 0},
		} {
			if got := tc.got(); got != tc.want {
				t.Errorf("%s: reason code %#x, want %#x", tc.what, got, tc.want)
			}
		}
	})

	for _, tc := range []struct {
		name string
		act  func(c mqtt.Client) mqtt.Token
	}{
		{"SUBSCRIBE $aws/things/other/shadow/#", func(c mqtt.Client) mqtt.Token {
			return c.Subscribe("$aws/things/other/shadow/#", 1, nil)
		}},
	} {
		t.Run("MQTT 3.1.1 "+tc.name+" closes the connection", func(t *testing.T) {
			d := provisionWithPolicy(t, srv, client, "deny3_"+strings.Fields(tc.name)[0], shadowThingPolicy)
			lost := make(chan error, 1)
			c, err := connect(t, d, addr, false, lost)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			tc.act(c)
			select {
			case <-lost:
			case <-time.After(10 * time.Second):
				t.Fatal("the denied packet did not close the connection")
			}
		})
	}
}

func TestDenial_RevokedCertificate(t *testing.T) {
	t.Parallel()
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	addr := srv.App.MQTTAddr().String()
	d3, d5 := provision(t, srv, client, "revoked3"), provision(t, srv, client, "revoked5")
	lost := make(chan error, 1)
	if _, err := connect(t, d3, addr, false, lost); err != nil {
		t.Fatalf("3.1.1 connect before revocation: %v", err)
	}
	disco := make(chan *paho.Disconnect, 1)
	if _, _, err := denialV5(t, d5, addr, disco); err != nil {
		t.Fatalf("5 connect before revocation: %v", err)
	}
	for _, d := range []device{d3, d5} {
		if _, err := client.UpdateCertificate(context.Background(), &iot.UpdateCertificateInput{
			CertificateId: aws.String(d.certID), NewStatus: types.CertificateStatusRevoked}); err != nil {
			t.Fatalf("UpdateCertificate REVOKED: %v", err)
		}
	}
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("3.1.1: the live connection survived its certificate's revocation")
	}
	select {
	case p := <-disco:
		if p.ReasonCode != 0x98 {
			t.Errorf("5: DISCONNECT %#x on revocation, want 0x98 Administrative action", p.ReasonCode)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("5: the live connection survived its certificate's revocation")
	}
	if _, err := connect(t, d3, addr, false, nil); err == nil {
		t.Error("3.1.1: a REVOKED certificate connected")
	}
	if _, ack, err := denialV5(t, d5, addr, nil); err == nil || ack != nil && ack.ReasonCode < 0x80 {
		t.Errorf("5: a REVOKED certificate connected: %+v", ack)
	}
}

func TestDenial_UnregisteredCertificate_MQTT5(t *testing.T) {
	t.Parallel()
	srv := testutil.StartServer(t)
	certFile, keyFile := unregisteredFiles(t)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	d := provision(t, srv, srv.IoT(t), "known5")
	d.tls = d.tls.Clone()
	d.tls.Certificates = []tls.Certificate{cert}
	// hob asks for a client certificate without requiring one at the TLS
	// layer, so the stranger gets as far as CONNECT and is refused there.
	_, ack, err := denialV5(t, d, srv.App.MQTTAddr().String(), nil)
	if err == nil {
		t.Fatal("an unregistered certificate connected")
	}
	if ack == nil || ack.ReasonCode != 0x86 && ack.ReasonCode != 0x87 {
		t.Errorf("CONNACK %+v (%v), want 0x86 Bad user name or password or 0x87 Not authorized", ack, err)
	}
}
