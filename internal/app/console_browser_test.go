package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/web"
)

// TestConsoleBrowser is the console's browser walk-through: hob in-process,
// the built front-end, and web/e2e/walkthrough.mjs driving Debian's
// Chromium with Playwright through every step in web/e2e/steps (sign-in,
// the pages, the MQTT test client against `elf send`), taking a screenshot
// of each page. HOB_SCREENSHOT_DIR keeps the screenshots (`make
// screenshots` writes docs/console); otherwise they go to a temporary
// folder. Node, Chromium, playwright-core (web/node_modules) and a built
// web/dist are needed: missing, the test skips, or fails under CI=true.
func TestConsoleBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser walk-through is slow; not with -short")
	}
	webDir, err := filepath.Abs(filepath.Join("..", "..", "web"))
	if err != nil {
		t.Fatal(err)
	}
	requireBuilt(t, webDir)
	node := testutil.RequireTool(t, "node")
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = testutil.RequireTool(t, "chromium")
	}

	srv := testutil.StartServer(t)
	elfBin := buildElf(t)

	shots := os.Getenv("HOB_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	} else if shots, err = filepath.Abs(shots); err != nil {
		t.Fatal(err)
	}

	// elf's environment: hob's endpoint, CA and admin key, as the aws CLI
	// gets them, and the test's MQTT listener (DescribeEndpoint names no
	// port).
	elfEnv := map[string]string{"ELF_MQTT_ENDPOINT": srv.App.MQTTAddr().String()}
	for _, kv := range srv.Env(t) {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") {
			elfEnv[k] = v
		}
	}
	elfEnvJSON, err := json.Marshal(elfEnv)
	if err != nil {
		t.Fatal(err)
	}
	// Node and Chromium get this process's environment without AWS_*
	// variables, and a home of their own (Chromium writes ~/.pki and
	// caches there).
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+t.TempDir(),
		"HOB_URL="+srv.URL,
		"HOB_ACCESS_KEY_ID="+srv.AccessKeyID,
		"HOB_SECRET_ACCESS_KEY="+srv.SecretAccessKey,
		"HOB_CA_FILE="+srv.CAFile,
		"SCREENSHOT_DIR="+shots,
		"ELF_BIN="+elfBin,
		"ELF_STATE_DIR="+t.TempDir(),
		"ELF_ENV_JSON="+string(elfEnvJSON),
		"CHROMIUM="+browser,
	)

	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(webDir, "e2e", "walkthrough.mjs"))
	cmd.Dir, cmd.Env = webDir, env
	// Node, Chromium and elf share a process group: a timeout ends all of
	// them, first politely (Playwright closes the browser on SIGTERM). If
	// this test process dies, node is sent SIGTERM too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	out := &lineLog{t: t}
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever is left
	err = cmd.Wait()
	out.flush()
	t.Logf("walk-through took %s; screenshots in %s", time.Since(start).Round(100*time.Millisecond), shots)
	if ctx.Err() != nil {
		t.Fatalf("the walk-through did not finish within its time: %v", err)
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("the walk-through failed (exit %d); its output is above", exit.ExitCode())
		}
		t.Fatalf("running the walk-through: %v", err)
	}
}

// requireBuilt checks that the front-end was built into web/dist and
// embedded in this test binary, and that playwright-core is installed.
func requireBuilt(t *testing.T, webDir string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; `make test` does it", what)
		}
		t.Skipf("%s (CI=true makes this a failure)", what)
	}
	if _, err := fs.Stat(web.Dist, "index.html"); err != nil {
		missing("the console is not built (web/dist/index.html): run `make web`")
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing("playwright-core is not installed: run `cd web && npm ci`")
	}
}

// buildElf builds cmd/elf into a temporary folder.
func buildElf(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "elf")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/hob-iot/hob/cmd/elf").CombinedOutput(); err != nil {
		t.Fatalf("building elf: %v\n%s", err, out)
	}
	return bin
}

// lineLog writes a process's output to the test log line by line, as it
// comes (shown with -v, or when the test fails).
type lineLog struct {
	t   *testing.T
	mu  sync.Mutex
	buf []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.t.Log(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.t.Log(string(l.buf))
		l.buf = nil
	}
}

var _ io.Writer = (*lineLog)(nil)
