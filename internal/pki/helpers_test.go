package pki

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// shared is one Authority for the tests that only issue certificates, so
// the suite generates few RSA keys.
var shared struct {
	once sync.Once
	dir  string
	a    *Authority
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.a != nil {
		shared.a.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func sharedAuthority(t testing.TB) *Authority {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "hob-pki-test-")
		if shared.err == nil {
			shared.a, shared.err = LoadOrCreate(Config{Dir: filepath.Join(shared.dir, "data"), Hosts: []string{"localhost", "127.0.0.1"}})
		}
	})
	if shared.err != nil {
		t.Fatalf("shared authority: %v", shared.err)
	}
	return shared.a
}

// newAuthority makes a fresh Authority in its own folder.
func newAuthority(t *testing.T, hosts ...string) (*Authority, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	a, err := LoadOrCreate(Config{Dir: dir, Hosts: hosts})
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a, dir
}

// requireTool finds an external program. In CI a missing one fails the
// test; elsewhere it skips it.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not found: %v", name, err)
	}
	return p
}

// run runs a program and returns its combined output, failing the test on
// a non-zero exit.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// writeTemp writes content to a new file in a test folder and returns its
// path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
