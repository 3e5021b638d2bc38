package elf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// mqttPort is AWS IoT's MQTT over TLS port (spec/elf.md §1.6 step 6).
const mqttPort = "8883"

// Timeouts of MQTT operations, as the original's SDK settings (§1.6 step 8).
const (
	connectTimeout   = 20 * time.Second
	operationTimeout = 10 * time.Second
)

// loadThings reads things.json for send, subscribe and shadow, and says
// what to do when there are none.
func (s *session) loadThings() error {
	err := s.st.LoadThings()
	if errors.Is(err, ErrNoThings) {
		return fmt.Errorf("couldn't find previously created things (%s is missing): run `elf create` first", s.st.path(thingsFile))
	}
	if err == nil && len(s.st.Things) == 0 {
		return fmt.Errorf("%s lists no things: run `elf clean` then `elf create`", s.st.path(thingsFile))
	}
	return err
}

// mqttEndpoint is host:port of the MQTT broker: --mqtt-endpoint,
// ELF_MQTT_ENDPOINT, or DescribeEndpoint(iot:Data-ATS) on port 8883 (a
// port in the answer is kept).
func (s *session) mqttEndpoint(ctx context.Context) (string, error) {
	if s.o.MQTTEndpoint != "" {
		return withPort(s.o.MQTTEndpoint), nil
	}
	if e := os.Getenv("ELF_MQTT_ENDPOINT"); e != "" {
		return withPort(e), nil
	}
	out, err := s.api.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	if err != nil {
		return "", apiErr("DescribeEndpoint", err)
	}
	return withPort(aws.ToString(out.EndpointAddress)), nil
}

func withPort(addr string) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(addr, mqttPort)
}

// dial connects as a thing, with its own certificate, under clientID. A
// lost connection is reported to onLost, if given; elf never reconnects
// silently.
func (s *session) dial(t *Thing, clientID, endpoint string, onLost func(error)) (mqtt.Client, error) {
	pem, _, prv := s.st.KeyPaths(t.Name)
	host, _, _ := net.SplitHostPort(endpoint)
	tlsCfg, err := thingTLS(s.pool, pem, prv, host)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Name, err)
	}
	opts := mqtt.NewClientOptions().AddBroker("ssl://" + endpoint).SetClientID(clientID).
		SetTLSConfig(tlsCfg).SetProtocolVersion(4).SetCleanSession(true).
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(connectTimeout).
		SetKeepAlive(30 * time.Second).SetWriteTimeout(operationTimeout).SetOrderMatters(false)
	if onLost != nil {
		opts.SetConnectionLostHandler(func(_ mqtt.Client, err error) { onLost(err) })
	}
	c := mqtt.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(connectTimeout + 5*time.Second) {
		return nil, fmt.Errorf("%s: no answer from the MQTT endpoint %s within %v: check --mqtt-endpoint and the firewall", clientID, endpoint, connectTimeout)
	}
	if err := tok.Error(); err != nil {
		return nil, mqttErr(clientID, endpoint, err)
	}
	return c, nil
}

// wait waits for an MQTT operation and returns its error.
func wait(tok mqtt.Token, what string) error {
	if !tok.WaitTimeout(operationTimeout) {
		return fmt.Errorf("%s: no answer within %v", what, operationTimeout)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// subscribe subscribes c and checks the broker granted the subscription:
// a refused one (0x80) means the policy denies iot:Subscribe.
func subscribe(c mqtt.Client, filter string, qos byte, h mqtt.MessageHandler) error {
	tok := c.Subscribe(filter, qos, h)
	if err := wait(tok, "subscribing to "+filter); err != nil {
		return err
	}
	if st, ok := tok.(*mqtt.SubscribeToken); ok && st.Result()[filter] == 0x80 {
		return fmt.Errorf("subscribing to %s was refused: the thing's policy must allow iot:Subscribe on topicfilter/%s", filter, filter)
	}
	return nil
}

// disconnectAll closes every client, letting in-flight work finish.
func disconnectAll(clients []mqtt.Client) {
	for _, c := range clients {
		if c != nil && c.IsConnectionOpen() {
			c.Disconnect(250)
		}
	}
}

// dialAll connects every thing with clientID(thing), or none: on a
// failure it closes those already connected.
func (s *session) dialAll(things []*Thing, clientID func(*Thing) string, endpoint string, onLost func(*Thing, error)) ([]mqtt.Client, error) {
	clients := make([]mqtt.Client, 0, len(things))
	for _, t := range things {
		t := t
		c, err := s.dial(t, clientID(t), endpoint, func(err error) { onLost(t, err) })
		if err != nil {
			disconnectAll(clients)
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, nil
}

// prepare gets send, subscribe and shadow ready: things loaded, API
// connected, MQTT endpoint known, and each thing's policy allowing topics.
func (s *session) prepare(ctx context.Context, things func() ([]*Thing, error), topic func(*Thing) []string) ([]*Thing, string, error) {
	if err := s.loadThings(); err != nil {
		return nil, "", err
	}
	list, err := things()
	if err != nil {
		return nil, "", err
	}
	if err := s.connect(ctx); err != nil {
		return nil, "", err
	}
	endpoint, err := s.mqttEndpoint(ctx)
	if err != nil {
		return nil, "", err
	}
	for _, t := range list {
		if err := s.ensurePolicy(ctx, t, topic(t)); err != nil {
			return nil, "", err
		}
	}
	return list, endpoint, nil
}
