package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRun_Commands(t *testing.T) {
	cases := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"version"}, 0, "hob "},
		{[]string{"help"}, 0, "hob serve [options]"},
		{[]string{"--help"}, 0, "Quick start"},
		{nil, 2, "Usage:"},
		{[]string{"srve"}, 2, `unknown command "srve"`},
		{[]string{"serve", "--region", "Mars"}, 2, `region: "Mars" is not an AWS region name`},
		{[]string{"serve", "--help"}, 0, "--data-dir"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		code := run(c.args, &out, &out)
		if code != c.wantCode || !strings.Contains(out.String(), c.wantOut) {
			t.Errorf("hob %v: code %d, output %q; want code %d containing %q", c.args, code, out.String(), c.wantCode, c.wantOut)
		}
	}
}

// buildHob compiles the hob binary into a temp folder.
func buildHob(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hob")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startHob runs `hob serve` on loopback and returns its banner once it has
// printed the endpoint, and a function that sends SIGTERM and returns the
// exit code.
func startHob(t *testing.T, bin, dataDir string) (banner string, stop func() int) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--https-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--mqtt-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "HOB_LOG_LEVEL=info")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var b strings.Builder
	deadline := time.After(60 * time.Second)
	for !strings.Contains(b.String(), "Then try:") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("hob exited before printing its banner; stderr:\n%s", stderr.String())
			}
			b.WriteString(l + "\n")
		case <-deadline:
			t.Fatalf("no banner after 60s; got %q; stderr:\n%s", b.String(), stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return b.String(), func() int {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("hob did not stop within 30s of SIGTERM")
		}
		if !strings.Contains(stderr.String(), "hob stopped") {
			t.Errorf("hob did not log a graceful stop; stderr:\n%s", stderr.String())
		}
		return cmd.ProcessState.ExitCode()
	}
}

func TestServe_FirstStartPrintsKeysOnce(t *testing.T) {
	bin := buildHob(t)
	dataDir := filepath.Join(t.TempDir(), "data")

	banner, stop := startHob(t, bin, dataDir)
	for _, want := range []string{"export AWS_ENDPOINT_URL=https://localhost:", "export AWS_CA_BUNDLE=" + filepath.Join(dataDir, "ca.pem"),
		"export AWS_ACCESS_KEY_ID=", "export AWS_SECRET_ACCESS_KEY=", "export AWS_DEFAULT_REGION=us-east-1"} {
		if !strings.Contains(banner, want) {
			t.Errorf("first-start banner lacks %q:\n%s", want, banner)
		}
	}
	secret := regexp.MustCompile(`AWS_SECRET_ACCESS_KEY=(\S+)`).FindStringSubmatch(banner)
	if code := stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	for _, f := range []string{"ca.key", "server.key", "access-keys.json"} {
		st, err := os.Stat(filepath.Join(dataDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %o, want 0600", f, st.Mode().Perm())
		}
	}
	ca1, _ := os.ReadFile(filepath.Join(dataDir, "ca.pem"))

	banner2, stop2 := startHob(t, bin, dataDir)
	if strings.Contains(banner2, "AWS_SECRET_ACCESS_KEY=") || (secret != nil && strings.Contains(banner2, secret[1])) {
		t.Errorf("restart printed the secret again:\n%s", banner2)
	}
	if !strings.Contains(banner2, "access-keys.json") {
		t.Errorf("restart banner does not say where the keys are:\n%s", banner2)
	}
	if code := stop2(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	ca2, _ := os.ReadFile(filepath.Join(dataDir, "ca.pem"))
	if !bytes.Equal(ca1, ca2) {
		t.Error("restart replaced the CA: devices that trust it would break")
	}
}

// TestServe_SecondOnSameDataRefused checks that a second hob on the data
// folder, or on the SQLite file, of a running one stops at once with an
// error naming the lock and the first one's process id, and that the
// first keeps running.
func TestServe_SecondOnSameDataRefused(t *testing.T) {
	bin := buildHob(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	_, stop := startHob(t, bin, dataDir)
	for name, extra := range map[string][]string{
		"data folder": {"--data-dir", dataDir},
		"SQLite file": {"--data-dir", filepath.Join(t.TempDir(), "other"), "--store", "sqlite:" + filepath.Join(dataDir, "hob.db")},
	} {
		args := append([]string{"serve", "--https-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--mqtt-addr", "127.0.0.1:0"}, extra...)
		cmd := exec.Command(bin, args...)
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.CombinedOutput(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("%s: the second hob is still running", name)
		}
		if err == nil || !strings.Contains(string(out), "another hob serves the same data") || !regexp.MustCompile(`pid \d+`).Match(out) {
			t.Errorf("%s: second hob: %v\n%s", name, err, out)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("the first hob's exit code after SIGTERM = %d, want 0", code)
	}
}
