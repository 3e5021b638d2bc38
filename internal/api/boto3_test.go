package api_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
)

// requireBoto3 returns python3's path, skipping the test when python3 or
// boto3 is missing, except under CI=true, where that is a failure.
func requireBoto3(t *testing.T) string {
	t.Helper()
	py := testutil.RequireTool(t, "python3")
	if out, err := exec.Command(py, "-c", "import boto3").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("boto3 is not installed (CI=true): %v\n%s", err, out)
		}
		t.Skipf("boto3 is not installed (CI=true makes this a failure): %s", out)
	}
	return py
}

// TestBoto3_Lifecycle runs tests/boto3_lifecycle.py against a real hob:
// certificate, thing and policy created, attached, listed and torn down in
// AWS's order, with the out-of-order deletions checked for AWS's errors.
func TestBoto3_Lifecycle(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { runBoto3Lifecycle(t) })
	t.Run("postgres", func(t *testing.T) { runBoto3Lifecycle(t, testutil.WithPostgres()) })
}

func runBoto3Lifecycle(t *testing.T, opts ...testutil.Option) {
	py := requireBoto3(t)
	srv := testutil.StartServer(t, opts...)
	script, err := filepath.Abs(filepath.Join("..", "..", "tests", "boto3_lifecycle.py"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Env = srv.Env(t) // AWS_ENDPOINT_URL_IOT, AWS_CA_BUNDLE, keys, region
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s", out)
}
