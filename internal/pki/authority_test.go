package pki

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadOrCreate_FirstStart(t *testing.T) {
	a, dir := newAuthority(t, "localhost", "hob.example.com", "127.0.0.1", "[::1]")
	if o := a.Outcome(); !o.CreatedCA || !o.IssuedServer {
		t.Fatalf("Outcome = %+v, want CA and server created", o)
	}
	want := map[string]os.FileMode{"": 0o700, caKeyFile: 0o600, serverKeyFile: 0o600, caCertFile: 0o644, serverCertFile: 0o644}
	for name, m := range want {
		if got := mode(t, filepath.Join(dir, name)); got != m {
			t.Errorf("mode of %q = %v, want %v", name, got, m)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("folder holds %d entries, want 4 (no temporary files left)", len(entries))
	}
	checkCA(t, a.CACertificate())
	checkServer(t, a, "localhost", "hob.example.com", "127.0.0.1", "::1")
	onDisk, err := os.ReadFile(a.CACertPath())
	if err != nil || !bytes.Equal(onDisk, a.CACertPEM()) {
		t.Fatalf("CACertPEM differs from %s (%v)", a.CACertPath(), err)
	}
}

func checkCA(t *testing.T, ca *x509.Certificate) {
	t.Helper()
	if ca.Subject.CommonName != "hob Root CA" || !ca.IsCA || !ca.BasicConstraintsValid {
		t.Errorf("CA subject %q, IsCA %v", ca.Subject.CommonName, ca.IsCA)
	}
	if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("CA KeyUsage = %v", ca.KeyUsage)
	}
	ski, _ := subjectKeyID(ca.PublicKey)
	if !bytes.Equal(ca.SubjectKeyId, ski) || len(ski) != 20 {
		t.Errorf("CA SubjectKeyId = %x, want %x", ca.SubjectKeyId, ski)
	}
	if k, ok := ca.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("CA key is not RSA-2048: %T", ca.PublicKey)
	}
	if !ca.NotAfter.After(deviceNotAfter) {
		t.Errorf("CA expires %v, before its device certificates", ca.NotAfter)
	}
	if err := ca.CheckSignatureFrom(ca); err != nil {
		t.Errorf("CA is not self-signed: %v", err)
	}
}

// checkServer verifies the server certificate against the CA for each
// host, as a TLS client would.
func checkServer(t *testing.T, a *Authority, hosts ...string) {
	t.Helper()
	leaf := a.ServerTLSCertificate().Leaf
	if leaf == nil {
		t.Fatal("server certificate has no Leaf")
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("server ExtKeyUsage = %v", leaf.ExtKeyUsage)
	}
	for _, h := range hosts {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: a.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		if err != nil {
			t.Errorf("server certificate for %q: %v", h, err)
		}
	}
}

func TestLoadOrCreate_RestartReuses(t *testing.T) {
	a, dir := newAuthority(t, "localhost")
	serverPEM, _ := os.ReadFile(filepath.Join(dir, serverCertFile))
	b, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"LOCALHOST."}})
	if err != nil {
		t.Fatal(err)
	}
	if o := b.Outcome(); o != (Outcome{}) {
		t.Fatalf("Outcome = %+v, want nothing done", o)
	}
	if !bytes.Equal(a.CACertPEM(), b.CACertPEM()) {
		t.Fatal("CA changed on restart")
	}
	again, _ := os.ReadFile(filepath.Join(dir, serverCertFile))
	if !bytes.Equal(serverPEM, again) || !bytes.Equal(b.ServerTLSCertificate().Certificate[0], a.ServerTLSCertificate().Certificate[0]) {
		t.Fatal("server certificate changed on restart")
	}
}

func TestLoadOrCreate_HostChangeReissues(t *testing.T) {
	a, dir := newAuthority(t, "localhost")
	var logs bytes.Buffer
	b, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"localhost", "10.1.2.3"}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o := b.Outcome()
	if o.CreatedCA || !o.IssuedServer || !strings.Contains(o.Reason, `"10.1.2.3"`) {
		t.Fatalf("Outcome = %+v", o)
	}
	if !strings.Contains(logs.String(), "issued a new server certificate") {
		t.Fatalf("log = %q", logs.String())
	}
	if !bytes.Equal(a.CACertPEM(), b.CACertPEM()) {
		t.Fatal("CA changed")
	}
	checkServer(t, b, "localhost", "10.1.2.3")
	// A subset of the hosts is still covered.
	c, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"10.1.2.3"}})
	if err != nil || c.Outcome().IssuedServer {
		t.Fatalf("subset of hosts: outcome %+v, err %v", c.Outcome(), err)
	}
}

func TestLoadOrCreate_ExpiringReissues(t *testing.T) {
	_, dir := newAuthority(t, "localhost")
	later := func() time.Time { return time.Now().Add(serverValidity - 29*24*time.Hour) }
	b, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"localhost"}, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	if o := b.Outcome(); !o.IssuedServer || !strings.Contains(o.Reason, "expires") {
		t.Fatalf("Outcome = %+v", o)
	}
	if left := time.Until(b.ServerTLSCertificate().Leaf.NotAfter); left < serverValidity {
		t.Fatalf("new certificate has only %v left", left)
	}
	notYet := func() time.Time { return time.Now().Add(serverValidity - 31*24*time.Hour) }
	c, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"localhost"}, Now: notYet})
	if err != nil || c.Outcome().IssuedServer {
		t.Fatalf("31 days left: outcome %+v, err %v", c.Outcome(), err)
	}
}

func TestLoadOrCreate_BrokenServerFilesReissue(t *testing.T) {
	other, _ := newAuthority(t, "localhost")
	_, dir := newAuthority(t, "localhost")
	tests := []struct {
		name, file, content, reason string
	}{
		{"garbage certificate", serverCertFile, "junk", "cannot load it"},
		{"missing key", serverKeyFile, "", "cannot load it"},
		{"other CA", "", "", "not signed by the CA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			switch {
			case tc.file == "":
				copyFile(t, filepath.Join(other.Dir(), serverCertFile), filepath.Join(dir, serverCertFile))
				copyFile(t, filepath.Join(other.Dir(), serverKeyFile), filepath.Join(dir, serverKeyFile))
			case tc.content == "":
				os.Remove(filepath.Join(dir, tc.file))
			default:
				os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.content), 0o644)
			}
			a, err := LoadOrCreate(Config{Dir: dir, Hosts: []string{"localhost"}})
			if err != nil {
				t.Fatal(err)
			}
			if o := a.Outcome(); !o.IssuedServer || !strings.Contains(o.Reason, tc.reason) {
				t.Fatalf("Outcome = %+v, want reason %q", o, tc.reason)
			}
			checkServer(t, a, "localhost")
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreate_Errors(t *testing.T) {
	_, dir := newAuthority(t, "localhost")
	other, _ := newAuthority(t, "localhost")
	keep := func(d string) string { return d }
	tests := []struct {
		name  string
		setup func(dir string) string // changes a copy of dir; returns Config.Dir
		hosts []string
		want  string
	}{
		{"host with port", keep, []string{"localhost:8883"}, "not a DNS name or IP address"},
		{"only empty hosts", keep, []string{" ", ""}, "no host names"},
		{"no folder", func(string) string { return "" }, nil, "Config.Dir is empty"},
		{"CA key missing", func(d string) string { os.Remove(filepath.Join(d, caKeyFile)); return d }, nil, "ca.key is missing"},
		{"CA key of another CA", func(d string) string {
			copyFile(t, filepath.Join(other.Dir(), caKeyFile), filepath.Join(d, caKeyFile))
			return d
		}, nil, "does not belong"},
		{"CA cert garbage", func(d string) string { os.WriteFile(filepath.Join(d, caCertFile), []byte("x"), 0o644); return d }, nil, "no PEM block"},
		{"CA cert not a CA", func(d string) string {
			copyFile(t, filepath.Join(d, serverCertFile), filepath.Join(d, caCertFile))
			return d
		}, nil, "not a CA certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := filepath.Join(t.TempDir(), "copy")
			if err := os.CopyFS(d, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			hosts := tc.hosts
			if hosts == nil {
				hosts = []string{"localhost"}
			}
			_, err := LoadOrCreate(Config{Dir: tc.setup(d), Hosts: hosts})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDefaultHosts_HasLoopback(t *testing.T) {
	h := DefaultHosts()
	joined := "," + strings.Join(h, ",") + ","
	for _, want := range []string{",localhost,", ",127.0.0.1,", ",::1,"} {
		if !strings.Contains(joined, want) {
			t.Errorf("DefaultHosts() = %v, missing %s", h, want)
		}
	}
	if name, err := os.Hostname(); err == nil && !strings.Contains(joined, ","+strings.ToLower(name)+",") {
		t.Errorf("DefaultHosts() = %v, missing host name %q", h, name)
	}
}

func TestNormalizeHosts_Canonical(t *testing.T) {
	got, err := normalizeHosts([]string{" Hob.Example.COM. ", "[::1]", "0:0:0:0:0:0:0:1", "", "hob.example.com", "::ffff:10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if j := strings.Join(got, ","); j != "hob.example.com,::1,10.0.0.1" {
		t.Fatalf("normalizeHosts = %v", j)
	}
}
