package loadgen

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/pki"
)

// TestRun_Mosquitto_TLS runs over mutual TLS, with a CA, server and
// client certificate from hob's pki, against Mosquitto requiring client
// certificates; a run without a client certificate must be refused.
func TestRun_Mosquitto_TLS(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.LoadOrCreate(pki.Config{Dir: dir, Hosts: []string{"127.0.0.1", "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	dev, err := ca.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "device.pem"), filepath.Join(dir, "device.key")
	for f, text := range map[string]string{certFile: dev.CertificatePEM, keyFile: dev.PrivateKeyPEM} {
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := startMosquitto(t, "cafile "+ca.CACertPath(), "certfile "+filepath.Join(dir, "server.pem"),
		"keyfile "+filepath.Join(dir, "server.key"), "require_certificate true")

	cfg := lightLoad(m.url("mqtts"), ModeFanIn, 1, 5, "t/tls")
	cfg.TLS = TLSFiles{CA: ca.CACertPath(), Cert: certFile, Key: keyFile}
	cfg.BrokerPID = m.pid
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, cfg)

	cfg.TLS.Cert, cfg.TLS.Key = "", ""
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Error("a run without a client certificate connected")
	}
	cfg.TLS = TLSFiles{CA: certFile, Cert: certFile, Key: keyFile} // the wrong CA
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a run trusting the wrong CA: %v", err)
	}
}
