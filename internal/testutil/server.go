package testutil

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// Server is a running hob for one test.
type Server struct {
	URL             string // https://127.0.0.1:PORT
	CAFile          string // PEM of hob's CA, to trust
	AccessKeyID     string // the admin key
	SecretAccessKey string
	Region          string
	AccountID       string
	DataDir         string
	App             *app.App
}

// Option changes how StartServer configures hob.
type Option func(*config.Config, testing.TB)

// WithPostgres makes the server use a fresh database on a throwaway
// PostgreSQL server instead of the embedded SQLite store.
func WithPostgres() Option {
	return func(c *config.Config, t testing.TB) { c.Store = pgtest.Start(t) }
}

// WithConfig lets a test change any setting.
func WithConfig(f func(*config.Config)) Option {
	return func(c *config.Config, _ testing.TB) { f(c) }
}

// StartServer starts hob in-process and stops it when the test ends.
func StartServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := testConfig(t)
	for _, o := range opts {
		o(&cfg, t)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("testutil: starting hob: %v", err)
	}
	s := runApp(t, a, cfg)
	if s.AccessKeyID == "" {
		t.Fatal("testutil: hob did not create an admin key on first start")
	}
	return s
}

// testConfig is hob's configuration for a test: loopback listeners on
// free ports, a fresh data folder, warnings only.
func testConfig(t testing.TB) config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTPSAddr = "127.0.0.1:0"
	cfg.MetricsAddr = "127.0.0.1:0"
	cfg.MQTTAddr = "127.0.0.1:0"
	cfg.DevMQTTAddr = "127.0.0.1:0"
	cfg.LogLevel = "warn"
	return cfg
}

// runApp runs a built hob until the test ends, and describes it; the
// access key is the admin key a first start created, if it did.
func runApp(t testing.TB, a *app.App, cfg config.Config) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("testutil: hob stopped with: %v", err)
		}
		a.Close()
	})
	b := a.Banner()
	return &Server{
		URL: "https://" + a.HTTPSAddr().String(), CAFile: b.CAFile,
		AccessKeyID: b.AccessKeyID, SecretAccessKey: b.SecretKey,
		Region: cfg.Region, AccountID: cfg.AccountID, DataDir: cfg.DataDir, App: a,
	}
}

// HTTPClient returns an HTTP client that trusts hob's CA.
func (s *Server) HTTPClient(t testing.TB) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("testutil: %s holds no certificate", s.CAFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	tr.MaxIdleConnsPerHost = 64 // benchmarks run 32 clients; keep their connections
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// AWSConfig returns an aws-sdk-go-v2 configuration for hob with the admin key.
func (s *Server) AWSConfig(t testing.TB) aws.Config {
	return aws.Config{
		Region:       s.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, ""),
		HTTPClient:   s.HTTPClient(t),
		BaseEndpoint: aws.String(s.URL),
	}
}

// IoT returns an aws-sdk-go-v2 iot client for hob.
func (s *Server) IoT(t testing.TB) *iot.Client {
	return iot.NewFromConfig(s.AWSConfig(t))
}

// testWriter sends hob's log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

var _ io.Writer = testWriter{}
