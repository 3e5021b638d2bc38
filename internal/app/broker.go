package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
)

// alpnMQTT is the ALPN protocol AWS IoT devices use to speak MQTT on the
// HTTPS port (spec §4.1).
const alpnMQTT = "x-amzn-mqtt-ca"

// openBroker builds the broker on the store and the devices' authorizer,
// and has certificates that leave ACTIVE disconnect their clients.
func (a *App) openBroker(account iot.Account) error {
	devPolicy, err := a.loadDevPolicy()
	if err != nil {
		return err
	}
	cfg := broker.DefaultConfig(account)
	cfg.QoS2 = a.cfg.QoS2
	cfg.SessionExpiry = a.cfg.SessionExpiry
	cfg.MaxFiltersPerSubscribe = a.cfg.MQTTMaxFiltersPerSubscribe
	cfg.MaxSubscriptions = a.cfg.MQTTMaxSubscriptions
	cfg.MaxConnectsPerSecond = a.cfg.MQTTMaxConnectsPerSecond
	cfg.MaxPublishesPerSecond = a.cfg.MQTTMaxPublishesPerSecond
	cfg.MaxPublishBytesPerSecond = a.cfg.MQTTMaxPublishBytesPerSecond
	if a.node != nil { // a nil *bus.Node in the interface would not be nil
		cfg.Cluster, cfg.NodeID = clusterLink{a.node}, a.node.ID()
	}
	b, err := broker.New(cfg, brokerAuthorizer{devs: a.devices, account: account, devPolicy: devPolicy}, a.st, a.log)
	if err != nil {
		return fmt.Errorf("app: starting the broker: %w", err)
	}
	a.broker = b
	if a.node != nil {
		a.clusterBroker.Store(b)
	}
	a.devices.OnDeactivated(b.DisconnectPrincipal)
	a.metricSources = append(a.metricSources, brokerMetrics{b})
	return nil
}

// loadDevPolicy reads --dev-policy; nil means allow all.
func (a *App) loadDevPolicy() (*policy.Document, error) {
	if !a.cfg.Dev || a.cfg.DevPolicy == "" {
		return nil, nil
	}
	data, err := os.ReadFile(a.cfg.DevPolicy)
	if err != nil {
		return nil, fmt.Errorf("app: reading --dev-policy: %w", err)
	}
	doc, err := policy.Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("app: --dev-policy %s: %w", a.cfg.DevPolicy, err)
	}
	return doc, nil
}

// listenMQTT binds the MQTT listeners: TLS on cfg.MQTTAddr, requiring a
// client certificate that the broker matches against the registry by
// fingerprint (so certificates registered without hob's CA work too, as
// AWS's SNI_ONLY mode), and with --dev a plain listener on loopback.
func (a *App) listenMQTT() error {
	ln, err := net.Listen("tcp", a.cfg.MQTTAddr)
	if err != nil {
		return fmt.Errorf("app: listening for MQTT on %s: %w", a.cfg.MQTTAddr, err)
	}
	a.mqttLn = tls.NewListener(ln, &tls.Config{
		Certificates: []tls.Certificate{a.ca.ServerTLSCertificate()},
		ClientAuth:   tls.RequireAnyClientCert,
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"mqtt", alpnMQTT},
	})
	if !a.cfg.Dev {
		return nil
	}
	if a.devMQTTLn, err = net.Listen("tcp", a.cfg.DevMQTTAddr); err != nil {
		return fmt.Errorf("app: listening for plain MQTT (--dev) on %s: %w", a.cfg.DevMQTTAddr, err)
	}
	return nil
}

// serveALPNMQTT hands a TLS connection that chose ALPN x-amzn-mqtt-ca on
// the HTTPS port to the broker.
func (a *App) serveALPNMQTT(ctx context.Context) func(*http.Server, *tls.Conn, http.Handler) {
	return func(_ *http.Server, c *tls.Conn, _ http.Handler) {
		a.broker.ServeConn(ctx, c, broker.TransportALPN)
	}
}

// MQTTAddr is the bound address of the MQTT over TLS listener.
func (a *App) MQTTAddr() net.Addr { return a.mqttLn.Addr() }

// DevMQTTAddr is the bound address of the --dev plain MQTT listener, or
// nil without --dev.
func (a *App) DevMQTTAddr() net.Addr {
	if a.devMQTTLn == nil {
		return nil
	}
	return a.devMQTTLn.Addr()
}

// Broker is the MQTT broker, for in-process consumers and tests.
func (a *App) Broker() *broker.Server { return a.broker }
