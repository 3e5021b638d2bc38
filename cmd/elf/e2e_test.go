package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

// elfBin is the elf binary, built once by TestMain.
var elfBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "elf-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	elfBin = filepath.Join(dir, "elf")
	if out, err := exec.Command("go", "build", "-o", elfBin, "github.com/hob-iot/hob/cmd/elf").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building elf: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// device is one elf user: a state folder and an environment for a server.
type device struct {
	srv  *testutil.Server
	dir  string
	env  []string
	mqtt string // --mqtt-endpoint: DescribeEndpoint has no port, the test's listener does
}

func newDevice(t *testing.T, srv *testutil.Server) *device {
	return &device{srv: srv, dir: t.TempDir(), env: srv.Env(t), mqtt: srv.App.MQTTAddr().String()}
}

func (d *device) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, elfBin, append([]string{"--mqtt-endpoint", d.mqtt}, args...)...)
	cmd.Dir, cmd.Env = d.dir, d.env
	return cmd
}

// run runs elf to the end and returns its output and exit code.
func (d *device) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := d.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running elf %v: %v", args, err)
	}
	t.Logf("elf %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errb.String())
	return out.String(), errb.String(), code
}

// mustRun runs elf and fails the test unless it exits 0.
func (d *device) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := d.run(t, args...)
	if code != 0 {
		t.Fatalf("elf %v: exit %d: %s", args, code, errOut)
	}
	return out
}

// syncBuffer is a bytes.Buffer a running process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
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

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// registry lists hob's things, certificates and policies.
func registry(t *testing.T, srv *testutil.Server) []string {
	t.Helper()
	ctx := context.Background()
	api := srv.IoT(t)
	var out []string
	things, err := api.ListThings(ctx, &iot.ListThingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range things.Things {
		out = append(out, "thing "+aws.ToString(th.ThingName))
	}
	certs, err := api.ListCertificates(ctx, &iot.ListCertificatesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range certs.Certificates {
		out = append(out, "certificate "+aws.ToString(c.CertificateId))
	}
	pols, err := api.ListPolicies(ctx, &iot.ListPoliciesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pols.Policies {
		out = append(out, "policy "+aws.ToString(p.PolicyName))
	}
	sort.Strings(out)
	return out
}

// listDir lists a folder's files with their modes.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// summary finds the --json summary event in out.
func summary(t *testing.T, out string) (sent, received, errs int) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		var ev struct {
			Event                  string
			Sent, Received, Errors int
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Event == "summary" {
			return ev.Sent, ev.Received, ev.Errors
		}
	}
	t.Fatalf("no summary in:\n%s", out)
	return
}

// TestElf_Walkthrough runs the seed's walk-through against hob in-process:
// create 3, subscribe in the background, send for 5 seconds, every message
// arrives, the aws CLI sees the things, and clean leaves hob's registry and
// misc/ as they were before create.
func TestElf_Walkthrough(t *testing.T) {
	srv := testutil.StartServer(t)
	d := newDevice(t, srv)
	d.mustRun(t, "status") // makes misc/elf.json, as any first command
	beforeReg, beforeMisc := registry(t, srv), listDir(t, filepath.Join(d.dir, "misc"))

	out := d.mustRun(t, "create", "3")
	if n := strings.Count(out, "ELF created thing_"); n != 3 {
		t.Fatalf("create 3 made %d things", n)
	}
	for i := 0; i < 3; i++ {
		fi, err := os.Stat(filepath.Join(d.dir, "misc", fmt.Sprintf("thing_%d.prv", i)))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("thing_%d.prv: %v, mode %v; want 0600", i, err, fi.Mode())
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sub := d.command(ctx, "subscribe", "--duration", "120", "--qos", "1")
	var subOut, subErr syncBuffer
	sub.Stdout, sub.Stderr = &subOut, &subErr
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 subscriptions", 30*time.Second, func() bool { return strings.Count(subOut.String(), "subscribed on topic") == 3 })

	sendOut := d.mustRun(t, "send", "--duration", "5", "--qos", "1", "--json")
	sent, _, errs := summary(t, sendOut)
	if sent != 15 || errs != 0 {
		t.Fatalf("send: sent %d, errors %d; want 15 and 0", sent, errs)
	}
	waitFor(t, "15 received messages", 20*time.Second, func() bool { return strings.Count(subOut.String(), "Received message: ") >= 15 })
	_ = sub.Process.Signal(syscall.SIGINT)
	if err := sub.Wait(); err != nil {
		t.Fatalf("subscribe: %v\n%s", err, subErr.String())
	}
	for i := 0; i < 3; i++ {
		line := fmt.Sprintf(`Received message: {"msg": "IoT ELF Hello"} from topic: elf/thing_%d`, i)
		if n := strings.Count(subOut.String(), line); n != 5 {
			t.Errorf("thing_%d's listener got %d messages, want 5:\n%s", i, n, subOut.String())
		}
	}
	if !strings.Contains(subOut.String(), "ELF summary: sent 0, received 15, errors 0") {
		t.Errorf("subscribe summary missing:\n%s", subOut.String())
	}

	cliOut, cliErr, code := srv.AWSCLI(t, "iot", "list-things")
	if code != 0 {
		t.Fatalf("aws iot list-things: %d %s", code, cliErr)
	}
	for i := 0; i < 3; i++ {
		if !strings.Contains(cliOut, fmt.Sprintf(`"thingName": "thing_%d"`, i)) {
			t.Errorf("aws iot list-things does not show thing_%d:\n%s", i, cliOut)
		}
	}

	d.mustRun(t, "clean")
	if got := registry(t, srv); !equal(got, beforeReg) {
		t.Errorf("after clean, hob holds %v; before create %v", got, beforeReg)
	}
	if got := listDir(t, filepath.Join(d.dir, "misc")); !equal(got, beforeMisc) {
		t.Errorf("after clean, misc/ holds %v; before create %v", got, beforeMisc)
	}
	if out := d.mustRun(t, "clean"); !strings.Contains(out, "There is nothing to clean up.") {
		t.Errorf("second clean: %s", out)
	}
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// closedPort returns an address where nothing listens.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestElf_BadInput checks that each mistake ends with one line on stderr
// saying what to do, and a non-zero exit code.
func TestElf_BadInput(t *testing.T) {
	srv := testutil.StartServer(t)
	otherCA := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(otherCA, []byte(certtest.SelfSignedPEM(t, "not hob")), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, d *device)
		args  []string
		code  int
		want  string
	}{
		{"send before create", nil, []string{"send"}, 1, "run `elf create` first"},
		{"subscribe before create", nil, []string{"subscribe"}, 1, "run `elf create` first"},
		{"create twice", func(t *testing.T, d *device) { d.mustRun(t, "create") }, []string{"create"}, 1, "run `elf clean` before creating again"},
		{"corrupt things.json", func(t *testing.T, d *device) {
			d.mustRun(t, "status")
			os.WriteFile(filepath.Join(d.dir, "misc", "things.json"), []byte("[{not json"), 0o600)
		}, []string{"send"}, 1, "things.json is corrupt"},
		{"CA mismatch", nil, []string{"--ca", otherCA, "create"}, 1, "not signed by a CA elf trusts"},
		{"API endpoint refusing", nil, []string{"--endpoint-url", "https://" + closedPort(t), "create"}, 1, "connection refused"},
		{"MQTT endpoint refusing", func(t *testing.T, d *device) {
			d.mustRun(t, "create")
			d.mqtt = closedPort(t)
		}, []string{"send", "--duration", "1"}, 1, "connection refused by the MQTT endpoint"},
		{"wrong credentials", func(t *testing.T, d *device) {
			d.env = append(d.env, "AWS_SECRET_ACCESS_KEY=wrong"+srv.SecretAccessKey)
		}, []string{"create"}, 1, "credentials were refused"},
		{"policy denying", func(t *testing.T, d *device) {
			d.mustRun(t, "create")
			d.mustRun(t, "send", "--duration", "1")
			deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:*","Resource":"*"}]}`
			if _, err := srv.IoT(t).CreatePolicyVersion(context.Background(), &iot.CreatePolicyVersionInput{
				PolicyName: aws.String("policy-thing_0"), PolicyDocument: aws.String(deny), SetAsDefault: true}); err != nil {
				t.Fatal(err)
			}
		}, []string{"send", "--duration", "1"}, 1, "policy must allow iot:Connect"},
		{"policy denying publish", func(t *testing.T, d *device) {
			d.mustRun(t, "create")
			d.mustRun(t, "send", "--duration", "1")
			deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},` +
				`{"Effect":"Deny","Action":"iot:Publish","Resource":"*"}]}`
			if _, err := srv.IoT(t).CreatePolicyVersion(context.Background(), &iot.CreatePolicyVersionInput{
				PolicyName: aws.String("policy-thing_0"), PolicyDocument: aws.String(deny), SetAsDefault: true}); err != nil {
				t.Fatal(err)
			}
		}, []string{"send", "--duration", "2"}, 1, "while publishing on elf/thing_0"},
		{"no command", nil, nil, 2, "no command given"},
		{"unknown command", nil, []string{"fly"}, 2, `unknown command "fly"`},
		{"bad qos", nil, []string{"send", "--qos", "2"}, 2, "QoS 0 and 1"},
		{"bad count", nil, []string{"create", "many"}, 2, "not a number of things"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDevice(t, srv)
			if c.setup != nil {
				c.setup(t, d)
			}
			_, errOut, code := d.run(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, c.code, c.want)
			}
			checkOneErrorLine(t, errOut, c.want)
			// Whatever happened, clean finishes and leaves no elf things behind.
			d.mqtt = srv.App.MQTTAddr().String()
			d.env = srv.Env(t)
			if strings.Contains(c.name, "corrupt") {
				d.mustRun(t, "clean", "--only-local")
				return
			}
			d.mustRun(t, "clean")
		})
	}
	if got := registry(t, srv); len(got) != 0 {
		t.Errorf("after every clean, hob still holds %v", got)
	}
}

// TestElf_Shadow updates, reads, watches and deletes a thing's classic and
// named shadows over MQTT with the thing's own certificate.
// checkOneErrorLine checks that stderr has one line that is not send's
// progress or a warning shown as it happened, and that it is the last
// and says want.
func checkOneErrorLine(t *testing.T, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var errs []string
	for _, l := range lines {
		if !progressLine.MatchString(l) && !strings.HasPrefix(l, "elf: warning: ") {
			errs = append(errs, l)
		}
	}
	if len(errs) != 1 || errs[0] != lines[len(lines)-1] || !strings.Contains(errs[0], want) {
		t.Errorf("stderr does not end with one line saying %q:\n%s", want, stderr)
	}
}

// progressLine is send's progress line on a stderr that is no terminal.
var progressLine = regexp.MustCompile(`^elf: \d+s/\d+s: sent \d+ of \d+, errors \d+$`)

func TestElf_Shadow(t *testing.T) {
	srv := testutil.StartServer(t)
	d := newDevice(t, srv)
	d.mustRun(t, "create")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	watch := d.command(ctx, "shadow", "watch", "--duration", "60")
	var wOut syncBuffer
	watch.Stdout, watch.Stderr = &wOut, &wOut
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the watcher", 30*time.Second, func() bool { return strings.Contains(wOut.String(), "watching shadow") })

	out := d.mustRun(t, "shadow", "update", `{"state":{"desired":{"color":"green"}}}`)
	if !strings.Contains(out, `"color":"green"`) {
		t.Errorf("update/accepted: %s", out)
	}
	out = d.mustRun(t, "shadow", "get")
	if !strings.Contains(out, `"desired":{"color":"green"}`) || !strings.Contains(out, `"delta":{"color":"green"}`) {
		t.Errorf("get/accepted: %s", out)
	}
	waitFor(t, "update/documents and update/delta", 10*time.Second, func() bool {
		s := wOut.String()
		return strings.Contains(s, "/shadow/update/documents") && strings.Contains(s, "/shadow/update/delta")
	})
	_ = watch.Process.Signal(syscall.SIGINT)
	if err := watch.Wait(); err != nil {
		t.Fatalf("shadow watch: %v\n%s", err, wOut.String())
	}

	d.mustRun(t, "shadow", "update", "--name", "n1", `{"state":{"reported":{"on":true}}}`)
	if out := d.mustRun(t, "shadow", "get", "--name", "n1"); !strings.Contains(out, `"reported":{"on":true}`) {
		t.Errorf("named get: %s", out)
	}
	d.mustRun(t, "shadow", "delete")
	_, errOut, code := d.run(t, "shadow", "get")
	if code != 1 || !strings.Contains(errOut, "was rejected") || !strings.Contains(errOut, "404") {
		t.Errorf("get after delete: exit %d, %s", code, errOut)
	}
	if _, errOut, code := d.run(t, "shadow", "get", "--thing", "thing_9"); code != 1 || !strings.Contains(errOut, "there is no thing_9") {
		t.Errorf("unknown thing: exit %d, %s", code, errOut)
	}
	d.mustRun(t, "status")
	d.mustRun(t, "clean")
	if got := registry(t, srv); len(got) != 0 {
		t.Errorf("after clean, hob holds %v", got)
	}
}
