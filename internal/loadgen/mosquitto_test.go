package loadgen

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// mosquitto is a real Mosquitto broker started for one test.
type mosquitto struct {
	port int
	pid  int
	log  *syncBuffer
}

// startMosquitto starts `mosquitto` on 127.0.0.1 on a free port with a
// temporary configuration (listener, anonymous access, no persistence)
// plus extra lines, waits until it accepts connections, and stops it at
// the end of the test. The test is skipped when mosquitto is missing,
// except in CI, which must have it (.ci/install-test-deps).
func startMosquitto(t *testing.T, extra ...string) *mosquitto {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto" // Debian installs it outside most PATHs
		if _, statErr := os.Stat(bin); statErr != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("mosquitto is missing (apt-get install mosquitto): %v", err)
			}
			t.Skip("mosquitto is not installed")
		}
	}
	m := &mosquitto{port: freePort(t), log: new(syncBuffer)}
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	text := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n", m.port)
	if os.Geteuid() == 0 {
		text += "user root\n" // as root it would switch to user mosquitto, who cannot read the temp dir
	}
	for _, line := range extra {
		text += line + "\n"
	}
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf)
	cmd.Stdout, cmd.Stderr = m.log, m.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.pid = cmd.Process.Pid
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("mosquitto's log:\n%s", m.log.String())
		}
	})
	m.waitReady(t, exited)
	return m
}

// waitReady polls until the broker accepts a TCP connection.
func (m *mosquitto) waitReady(t *testing.T, exited <-chan struct{}) {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(m.port))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			t.Fatalf("mosquitto exited at start:\n%s", m.log.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("mosquitto did not listen on %s:\n%s", addr, m.log.String())
}

// url returns the broker's URL with the given scheme.
func (m *mosquitto) url(scheme string) string {
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, m.port)
}

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer is a bytes.Buffer safe for a child's two output streams.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
