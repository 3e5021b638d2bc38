package action_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/testutil"
)

// startMoto runs moto's server on a free loopback port until t ends and
// returns its URL. A missing moto_server skips, except under CI=true.
func startMoto(t *testing.T) string {
	t.Helper()
	bin := testutil.RequireTool(t, "moto_server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// awsConfig is the configuration that points every service at url.
func awsConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// awsDeps are Deps whose AWS services are at url.
func awsDeps(url string) action.Deps {
	d := fakeDeps()
	d.AWS = func(context.Context, string) (aws.Config, error) { return awsConfig(url), nil }
	return d
}
