package bus

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// serverReadyTimeout bounds how long an embedded server may take to
// accept connections (its JetStream recovery runs before that).
const serverReadyTimeout = 20 * time.Second

// startServer starts the embedded NATS server that cfg describes and
// returns it once it accepts connections.
func startServer(cfg *Config, log *slog.Logger) (*server.Server, error) {
	opts, err := serverOptions(cfg)
	if err != nil {
		return nil, err
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded NATS server: %w", err)
	}
	s.SetLoggerV2(serverLog{log.With("component", "nats-server")}, false, false, false)
	s.Start()
	if !s.ReadyForConnections(serverReadyTimeout) {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, fmt.Errorf("bus: embedded NATS server %s not ready after %v (is ClusterAddr %q free?)",
			cfg.NodeID, serverReadyTimeout, cfg.ClusterAddr)
	}
	return s, nil
}

// serverOptions translates cfg into the embedded server's options. A single
// node opens no port at all; a clustered one listens for routes on
// ClusterAddr and, since nats-server starts routing only from its client
// accept loop, for clients on an ephemeral loopback port that nobody uses.
func serverOptions(cfg *Config) (*server.Options, error) {
	opts := &server.Options{
		ServerName: cfg.NodeID,
		JetStream:  true,
		StoreDir:   cfg.DataDir,
		NoSigs:     true,
	}
	if cfg.ClusterAddr == "" {
		opts.DontListen = true
		return opts, nil
	}
	host, port, err := splitHostPort(cfg.ClusterAddr)
	if err != nil {
		return nil, fmt.Errorf("bus: config: ClusterAddr: %w", err)
	}
	opts.Host, opts.Port = "127.0.0.1", server.RANDOM_PORT
	opts.Cluster = server.ClusterOpts{Name: cfg.clusterName(), Host: host, Port: port}
	for _, r := range cfg.Routes {
		u, err := routeURL(r)
		if err != nil {
			return nil, fmt.Errorf("bus: config: Routes: %w", err)
		}
		opts.Routes = append(opts.Routes, &url.URL{Scheme: "nats", Host: u.Host})
	}
	return opts, nil
}

// serverLog is the embedded server's logger: its notices (the start-up
// banner, routes coming and going) go to debug, its warnings and errors
// to their levels.
type serverLog struct{ l *slog.Logger }

func (s serverLog) Noticef(format string, v ...any) { s.log(slog.LevelDebug, format, v) }
func (s serverLog) Warnf(format string, v ...any)   { s.log(slog.LevelWarn, format, v) }
func (s serverLog) Fatalf(format string, v ...any)  { s.log(slog.LevelError, format, v) }
func (s serverLog) Errorf(format string, v ...any)  { s.log(slog.LevelError, format, v) }
func (s serverLog) Debugf(format string, v ...any)  { s.log(slog.LevelDebug, format, v) }
func (s serverLog) Tracef(format string, v ...any)  { s.log(slog.LevelDebug, format, v) }

// log formats the line only when its level is enabled.
func (s serverLog) log(level slog.Level, format string, v []any) {
	if ctx := context.Background(); s.l.Enabled(ctx, level) {
		s.l.Log(ctx, level, fmt.Sprintf(format, v...))
	}
}

var _ server.Logger = serverLog{}
