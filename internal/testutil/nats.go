package testutil

import (
	"io"
	"net/http"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// StartNATS starts a nats-server (from the Go module) with JetStream on a
// free loopback port, as an external NATS for a cluster, and stops it when
// the test ends. It returns the server's URL and a function that stops it
// early (a NATS outage).
func StartNATS(t testing.TB) (url string, stop func()) {
	t.Helper()
	s, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: t.TempDir(), NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatalf("testutil: nats-server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(20 * time.Second) {
		s.Shutdown()
		t.Fatal("testutil: nats-server did not become ready")
	}
	stop = func() { s.Shutdown(); s.WaitForShutdown() }
	t.Cleanup(stop)
	return s.ClientURL(), stop
}

// Health answers GET /healthz on the node's metrics listener: the status
// code and the body.
func (s *Server) Health(t testing.TB) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.App.MetricsAddr().String() + "/healthz")
	if err != nil {
		t.Fatalf("testutil: /healthz: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
