package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/testutil"
)

// connect opens an MQTT 3.1.1 session with paho.mqtt.golang, an
// independent client, to addr over TLS with the device's certificate.
func connect(t *testing.T, d device, addr string, alpn bool, lost chan<- error) (mqtt.Client, error) {
	t.Helper()
	cfg := d.tls.Clone()
	if alpn {
		cfg.NextProtos = []string{"x-amzn-mqtt-ca"}
	}
	opts := mqtt.NewClientOptions().AddBroker("ssl://" + addr).SetClientID(d.name).SetTLSConfig(cfg).
		SetAutoReconnect(false).SetConnectTimeout(10 * time.Second).SetProtocolVersion(4)
	if lost != nil {
		opts.SetConnectionLostHandler(func(_ mqtt.Client, err error) { lost <- err })
	}
	c := mqtt.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(15 * time.Second) {
		return nil, fmt.Errorf("connect timed out")
	}
	if tok.Error() != nil {
		return nil, tok.Error()
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c, nil
}

func TestMQTT_ProvisionedThingPublishesOwnTopic(t *testing.T) {
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	d := provision(t, srv, client, "thing_0")
	for _, tc := range []struct {
		name string
		addr string
		alpn bool
	}{
		{"port 8883", srv.App.MQTTAddr().String(), false},
		{"ALPN x-amzn-mqtt-ca on the HTTPS port", srv.App.HTTPSAddr().String(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := connect(t, d, tc.addr, tc.alpn, nil)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			got := make(chan string, 1)
			if tok := c.Subscribe("elf/thing_0", 1, func(_ mqtt.Client, m mqtt.Message) { got <- string(m.Payload()) }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
				t.Fatalf("subscribe: %v", tok.Error())
			}
			msg := "hello from " + tc.name
			if tok := c.Publish("elf/thing_0", 1, false, msg); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
				t.Fatalf("publish: %v", tok.Error())
			}
			select {
			case m := <-got:
				if m != msg {
					t.Fatalf("received %q, want %q", m, msg)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the message did not come back")
			}
			c.Disconnect(100)
		})
	}
}

func TestMQTT_PolicyDeniesOtherThingsTopic(t *testing.T) {
	srv := testutil.StartServer(t)
	d := provision(t, srv, srv.IoT(t), "thing_1")
	lost := make(chan error, 1)
	c, err := connect(t, d, srv.App.MQTTAddr().String(), false, lost)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	// AWS closes an MQTT 3.1.1 connection whose SUBSCRIBE a policy denies (spec §2.6).
	c.Subscribe("elf/thing_2", 1, nil)
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("subscribing to another thing's topic did not close the connection")
	}
}

func TestMQTT_ConnectAsOtherClientIDRefused(t *testing.T) {
	srv := testutil.StartServer(t)
	d := provision(t, srv, srv.IoT(t), "thing_3")
	d.name = "not_my_thing"
	if _, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil); err == nil || !strings.Contains(strings.ToLower(err.Error()), "not authorized") {
		t.Fatalf("connect as another client id: err = %v, want not authorized", err)
	}
}

func TestMQTT_DeactivatingCertificateDisconnects(t *testing.T) {
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	d := provision(t, srv, client, "thing_4")
	lost := make(chan error, 1)
	if _, err := connect(t, d, srv.App.MQTTAddr().String(), false, lost); err != nil {
		t.Fatalf("connect: %v", err)
	}
	_, err := client.UpdateCertificate(context.Background(), &iot.UpdateCertificateInput{CertificateId: aws.String(d.certID), NewStatus: types.CertificateStatusInactive})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("the live connection survived its certificate's deactivation")
	}
	if _, err := connect(t, d, srv.App.MQTTAddr().String(), false, nil); err == nil {
		t.Fatal("an INACTIVE certificate connected")
	}
}
