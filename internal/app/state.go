package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/postgres"
	"github.com/hob-iot/hob/internal/store/sqlite"
	"github.com/hob-iot/hob/internal/telemetry"
)

// errLocked says another process holds a lock that lockExclusive asked for.
var errLocked = errors.New("in use by another process")

// lockState makes this process the only hob on its data folder
// (hob.lock) and on its SQLite file (FILE.lock beside it, wherever --store
// puts it): a second process would share its store, keys and CA without
// sharing its memory (sessions, retained messages, caches). PostgreSQL
// stores are shared by design, between the nodes of a cluster.
func (a *App) lockState() error {
	paths := []string{filepath.Join(a.cfg.DataDir, "hob.lock")}
	if file := sqliteFile(a.cfg); file != "" {
		paths = append(paths, file+".lock")
	}
	for _, p := range paths {
		release, err := lockExclusive(p)
		if errors.Is(err, errLocked) {
			return fmt.Errorf("app: %s is %v: another hob serves the same data; stop it, or give this one its own --data-dir (and --store)", p, err)
		}
		if err != nil {
			return fmt.Errorf("app: locking %s: %w", p, err)
		}
		a.unlock = append(a.unlock, release)
	}
	return nil
}

// ensureDataDir creates the data folder with mode 0700 when missing: it
// holds private keys and access keys.
func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("app: creating the data folder: %w", err)
	}
	return nil
}

// sqliteFile is the SQLite file cfg.Store names; "" for PostgreSQL.
func sqliteFile(cfg config.Config) string {
	switch {
	case cfg.Store == "sqlite":
		return filepath.Join(cfg.DataDir, "hob.db")
	case strings.HasPrefix(cfg.Store, "sqlite:"):
		return strings.TrimPrefix(cfg.Store, "sqlite:")
	}
	return ""
}

// openStore opens the store that cfg.Store names.
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	switch file := sqliteFile(cfg); {
	case file != "":
		return openSQLite(file)
	default:
		st, err := postgres.Open(ctx, cfg.Store)
		if err != nil {
			return nil, fmt.Errorf("app: opening the PostgreSQL store: %w", err)
		}
		return st, nil
	}
}

func openSQLite(path string) (store.Store, error) {
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("app: opening the SQLite store %s: %w", path, err)
	}
	return st, nil
}

// hostnames are the names the server certificate must cover.
func (a *App) hostnames() []string {
	if len(a.cfg.Hostnames) > 0 {
		return a.cfg.Hostnames
	}
	return pki.DefaultHosts()
}

// endpointHost is the data endpoint DescribeEndpoint returns: the first
// configured hostname, or localhost.
func (a *App) endpointHost() string {
	if len(a.cfg.Hostnames) > 0 {
		return a.cfg.Hostnames[0]
	}
	return "localhost"
}

// healthHandler serves the loopback metrics listener: /healthz (200 when
// the store answers) and /metrics (Prometheus, from a.metricSources).
func (a *App) healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		err := a.st.View(r.Context(), func(store.ReadTx) error { return nil })
		if err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if a.node != nil {
			a.serveClusterHealth(w)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	reg := telemetry.NewRegistry(a.metricSources...)
	if a.node != nil {
		reg = telemetry.NewNodeRegistry(a.node.ID(), a.metricSources...)
	}
	mux.Handle("GET /metrics", telemetry.Handler(reg))
	return mux
}

// endpointURL is the HTTPS URL of the API as a user pastes it.
func (a *App) endpointURL() string {
	return "https://" + a.endpointHostPort(a.httpsLn)
}

// endpointHostPort is the endpoint host with ln's bound port.
func (a *App) endpointHostPort(ln net.Listener) string {
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return net.JoinHostPort(a.endpointHost(), port)
}
