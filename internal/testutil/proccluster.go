package testutil

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// ProcCluster is a cluster of real `hob serve` processes on loopback,
// sharing one throwaway PostgreSQL database, one CA and one admin key,
// with embedded NATS joined over routes: for tests that kill a node with
// SIGKILL.
type ProcCluster struct {
	Nodes []*ProcNode
}

// ProcNode is one hob process of a ProcCluster.
type ProcNode struct {
	*Server         // URL, CAFile, keys; App is nil
	ID       string // node id: n1, n2, ...
	MQTTAddr string // MQTT over TLS, 127.0.0.1:PORT
	Metrics  string // /healthz and /metrics, 127.0.0.1:PORT
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has ended
	logPath  string
}

// postgresURL turns pgtest's key=value DSN into the postgres:// URL that
// `hob serve --store` takes (a socket folder goes in the host parameter).
func postgresURL(t testing.TB, dsn string) string {
	t.Helper()
	kv := map[string]string{}
	for _, f := range strings.Fields(dsn) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			t.Fatalf("testutil: unexpected DSN field %q", f)
		}
		kv[k] = v
	}
	q := url.Values{"host": {kv["host"]}, "port": {kv["port"]}, "sslmode": {kv["sslmode"]}}
	return (&url.URL{Scheme: "postgres", User: url.User(kv["user"]), Host: "", Path: "/" + kv["dbname"], RawQuery: q.Encode()}).String()
}

// BuildHob builds the hob binary into a temporary folder and returns its
// path.
func BuildHob(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hob")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/hob-iot/hob/cmd/hob").CombinedOutput()
	if err != nil {
		t.Fatalf("testutil: building hob: %v\n%s", err, out)
	}
	return bin
}

// StartProcCluster starts n hob processes from bin at once and waits
// until each one's /healthz lists all n members. The processes are
// killed when the test ends; their logs are shown if it failed.
func StartProcCluster(t testing.TB, n int, bin string) *ProcCluster {
	t.Helper()
	store := postgresURL(t, pgtest.Start(t))
	shared := seedSharedState(t)
	routes := make([]string, n)
	for i := range routes {
		routes[i] = "nats://" + freeLoopbackAddr(t)
	}
	c := &ProcCluster{}
	for i := range n {
		dir := t.TempDir()
		copySharedState(t, shared.dir, dir)
		node := &ProcNode{ID: fmt.Sprintf("n%d", i+1), MQTTAddr: freeLoopbackAddr(t), Metrics: freeLoopbackAddr(t),
			logPath: filepath.Join(dir, "hob.log")}
		https := freeLoopbackAddr(t)
		node.Server = &Server{URL: "https://" + https, CAFile: filepath.Join(dir, "ca.pem"), AccessKeyID: shared.key.ID,
			SecretAccessKey: shared.key.Secret, Region: "us-east-1", AccountID: "123456789012", DataDir: dir}
		node.cmd = exec.Command(bin, "serve", "--data-dir", dir, "--store", store, "--node-id", node.ID,
			"--cluster-listen", strings.TrimPrefix(routes[i], "nats://"), "--cluster-routes", strings.Join(routes, ","),
			"--https-addr", https, "--mqtt-addr", node.MQTTAddr, "--metrics-addr", node.Metrics,
			"--dev-mqtt-addr", freeLoopbackAddr(t), "--log-level", "warn")
		node.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test binary
		c.Nodes = append(c.Nodes, node)
	}
	for _, node := range c.Nodes {
		node.start(t)
	}
	t.Cleanup(func() {
		for _, node := range c.Nodes {
			node.Kill(t)
			if t.Failed() {
				b, _ := os.ReadFile(node.logPath)
				t.Logf("log of node %s:\n%s", node.ID, b)
			}
		}
	})
	for _, node := range c.Nodes {
		node.WaitHealthy(t, n)
	}
	return c
}

func (p *ProcNode) start(t testing.TB) {
	t.Helper()
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("testutil: starting node %s: %v", p.ID, err)
	}
	log.Close()
	p.exited = make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
}

// Kill ends the node's process with SIGKILL, as a crash would, and waits
// for it. Killing a dead node does nothing.
func (p *ProcNode) Kill(t testing.TB) {
	if p.exited == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// WaitHealthy polls the node's /healthz until it answers 200 with
// members members, failing after a minute.
func (p *ProcNode) WaitHealthy(t testing.TB, members int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			b, _ := os.ReadFile(p.logPath)
			t.Fatalf("testutil: node %s exited: %v\n%s", p.ID, p.cmd.ProcessState, b)
		default:
		}
		code, body := p.health()
		var h struct{ Members []string }
		if code == http.StatusOK && json.Unmarshal([]byte(body), &h) == nil && len(h.Members) == members {
			return
		}
		last = fmt.Sprintf("%d %s", code, body)
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(p.logPath)
	t.Fatalf("testutil: node %s not healthy with %d members after a minute (last: %s)\n%s", p.ID, members, last, b)
}

func (p *ProcNode) health() (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.Metrics+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
