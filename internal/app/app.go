// Package app is hob's composition root: it builds every component from a
// config.Config, wires them through the small interfaces they declare, and
// runs them until the context ends. Nothing else in hob constructs
// components or owns goroutines at this level.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/bus"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/console"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/telemetry"
)

// App is a running hob: its store, CA, keys and listeners.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	st      store.Store
	ca      *pki.Authority
	keys    *auth.Keys
	api     *api.Server
	devices *auth.Devices
	broker  *broker.Server
	unlock  []func()                  // releases the data folder's locks (lockState)
	shadow  *shadowUnit               // the Device Shadow service on the broker
	rules   atomic.Pointer[rulesUnit] // the rules engine on the broker; set once, read by the registry's hook
	// node is this node's link to the other nodes of a cluster; nil for a
	// single node. clusterBroker is the broker once it exists, for the
	// messages other nodes send (cluster.go).
	node          *bus.Node
	clusterBroker atomic.Pointer[broker.Server]
	// consoleEvents are the newest lifecycle events, for the console.
	consoleEvents *console.EventLog
	mqttLn        net.Listener
	devMQTTLn     net.Listener
	banner        Banner
	newAdmin      *auth.AccessKey // the admin key, when this start created it
	https         *http.Server
	httpsLn       net.Listener
	ws            *wsHandler // MQTT over WebSocket at GET /mqtt on https
	runCtx        context.Context
	metrics       *http.Server
	metLn         net.Listener
	closed        atomic.Bool
	// metricSources are the components /metrics reports on.
	metricSources []telemetry.Source
}

// New builds hob from cfg: it opens the data folder and the store, loads or
// creates the CA, server certificate and admin key, and binds the
// listeners, so that a configuration or port problem fails here, before
// Run. The caller must Close the App.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.Close() // the returns below set the result to nil, not a
		}
	}()
	if err := a.openState(ctx); err != nil {
		return nil, err
	}
	if err := a.listen(); err != nil {
		return nil, err
	}
	a.banner = a.makeBanner()
	return a, nil
}

// openState opens the data folder, store, CA, access keys and broker, and
// builds the API on them.
func (a *App) openState(ctx context.Context) error {
	if err := ensureDataDir(a.cfg.DataDir); err != nil {
		return err
	}
	if err := a.lockState(); err != nil {
		return err
	}
	st, err := openStore(ctx, a.cfg)
	if err != nil {
		return err
	}
	a.st = st
	a.ca, err = pki.LoadOrCreate(pki.Config{Dir: a.cfg.DataDir, Hosts: a.hostnames(), Logger: a.log, KeyPoolSize: 4})
	if err != nil {
		return fmt.Errorf("app: loading hob's CA from %s: %w", a.cfg.DataDir, err)
	}
	if a.keys, err = auth.LoadKeys(a.cfg.DataDir); err != nil {
		return fmt.Errorf("app: loading access keys: %w", err)
	}
	admin, created, err := a.keys.EnsureAdmin()
	if err != nil {
		return fmt.Errorf("app: creating the admin access key: %w", err)
	}
	if created {
		a.newAdmin = &admin
	}
	account := iot.Account{Partition: "aws", Region: a.cfg.Region, ID: a.cfg.AccountID}
	reg, devs := newRegistryAndDevices(st, account, a.ca, a.log, nil, a.reloadRules, a.broadcastChange)
	a.devices = devs
	if err := a.openCluster(ctx); err != nil {
		return err
	}
	if err := a.openBroker(account); err != nil {
		return err
	}
	if err := a.openShadow(); err != nil {
		return err
	}
	if err := a.openRules(reg, account); err != nil {
		return err
	}
	if err := a.openConsoleEvents(); err != nil {
		return err
	}
	authn := auth.NewAuthenticator(a.keys, auth.Options{Dev: a.cfg.Dev, Account: a.cfg.AccountID, Log: a.log})
	a.ws = newWSHandler(authn, a.broker, &a.runCtx)
	a.api = api.New(api.Config{
		Account:      account,
		DataEndpoint: a.endpointHost(),
		MaxBodyBytes: a.cfg.MaxBodySize,
	}, authAdapter{a: authn, devs: devs}, api.Services{Things: reg, Certificates: reg, Policies: reg,
		Authorization: devs, Data: dataAdapter{a.broker}, Shadows: a.shadow.svc, TopicRules: reg,
		Destinations: ruleDestinations{reg, a.rules.Load().deps}}, a.log)
	a.api.EnableRulesDryRun(rulesDryRun{a.rules.Load().engine})
	return nil
}

// listen binds the HTTPS, MQTT and metrics listeners.
func (a *App) listen() error {
	if err := a.listenMQTT(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPSAddr)
	if err != nil {
		return fmt.Errorf("app: listening for HTTPS on %s: %w", a.cfg.HTTPSAddr, err)
	}
	a.httpsLn = tls.NewListener(ln, a.tlsConfig())
	a.https = &http.Server{Handler: a.httpsRoutes(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)}
	// A TLSNextProto map turns off automatic HTTP/2 unless Protocols
	// asks for it.
	a.https.Protocols = new(http.Protocols)
	a.https.Protocols.SetHTTP1(true)
	a.https.Protocols.SetHTTP2(true)
	if a.metLn, err = net.Listen("tcp", a.cfg.MetricsAddr); err != nil {
		return fmt.Errorf("app: listening for metrics on %s: %w", a.cfg.MetricsAddr, err)
	}
	a.metrics = &http.Server{Handler: a.healthHandler(), ReadHeaderTimeout: 5 * time.Second}
	return nil
}

// tlsConfig serves hob's server certificate and asks for, but does not
// require, a client certificate: data-plane routes accept either one or
// SigV4, and MQTT over ALPN x-amzn-mqtt-ca needs one. Certificates are
// matched against the registry by fingerprint, not chained to hob's CA,
// since AWS accepts registered certificates of any issuer (spec §5.1).
func (a *App) tlsConfig() *tls.Config {
	cert := a.ca.ServerTLSCertificate()
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1", alpnMQTT},
	}
}

// HTTPSAddr is the bound address of the HTTPS listener.
func (a *App) HTTPSAddr() net.Addr { return a.httpsLn.Addr() }

// MetricsAddr is the bound address of the health and metrics listener.
func (a *App) MetricsAddr() net.Addr { return a.metLn.Addr() }

// Devices is the devices' authorizer: the broker authenticates MQTT
// clients with it and asks their Devices what they may do. Registry
// changes already refresh it; the broker registers with OnDeactivated to
// disconnect the clients of certificates that leave ACTIVE.
func (a *App) Devices() *auth.Devices { return a.devices }

// Banner is what hob tells its user at start.
func (a *App) Banner() Banner { return a.banner }

// Run serves until ctx is done or a listener fails, then shuts the servers
// down, giving in-flight requests cfg.ShutdownTimeout to finish.
func (a *App) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	a.runCtx = gctx // the WebSocket handler's connections end with it
	a.https.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){alpnMQTT: a.serveALPNMQTT(gctx)}
	g.Go(func() error { return a.broker.Serve(gctx, a.mqttLn, broker.TransportTLS) })
	if a.devMQTTLn != nil {
		g.Go(func() error { return a.broker.Serve(gctx, a.devMQTTLn, broker.TransportDev) })
	}
	g.Go(func() error { return serve(a.https, a.httpsLn) })
	g.Go(func() error { return serve(a.metrics, a.metLn) })
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		defer cancel()
		// The broker first: it ends the MQTT connections that ALPN handed
		// over, which http.Server.Shutdown would otherwise wait for.
		berr := a.broker.Close()
		herr := a.https.Shutdown(sctx)
		// The rules engine, then the shadow service (which its
		// get_thing_shadow reads): messages no longer arrive and HTTP
		// requests have finished.
		rerr := closeRules(&a.rules)
		return errors.Join(berr, herr, rerr, a.shadow.Close(), a.metrics.Shutdown(sctx))
	})
	err := g.Wait()
	if ctx.Err() != nil && err == nil {
		a.log.Info("hob stopped")
	}
	return err
}

func serve(srv *http.Server, ln net.Listener) error {
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("app: serving on %s: %w", ln.Addr(), err)
	}
	return nil
}

// Close releases the listeners and the store. It is idempotent.
func (a *App) Close() error {
	if !a.closed.CompareAndSwap(false, true) {
		return nil
	}
	var errs []error
	for _, ln := range []net.Listener{a.httpsLn, a.metLn, a.mqttLn, a.devMQTTLn} {
		if ln != nil {
			_ = ln.Close()
		}
	}
	if a.broker != nil {
		errs = append(errs, a.broker.Close())
	}
	errs = append(errs, closeRules(&a.rules), a.shadow.Close())
	if a.node != nil {
		errs = append(errs, a.node.Close())
	}
	if a.ca != nil {
		errs = append(errs, a.ca.Close())
	}
	if a.st != nil {
		errs = append(errs, a.st.Close())
	}
	for _, release := range a.unlock {
		release()
	}
	return errors.Join(errs...)
}
