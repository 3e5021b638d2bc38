package testutil

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RequireTool returns the path of the command name, skipping the test when
// it is missing, except under CI=true, where a missing tool fails the test:
// `make test` installs everything tests need.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; `make test` installs it", name)
	}
	t.Skipf("%s is not installed (CI=true makes this a failure)", name)
	return ""
}

// Env returns the environment for AWS tools (aws CLI, boto3) that talk to
// s with the admin key: this process's environment without its AWS_*
// variables, plus hob's endpoint, CA, region and keys, and empty AWS
// config files, so the user's own AWS setup never leaks in.
func (s *Server) Env(t testing.TB) []string {
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID="+s.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+s.SecretAccessKey,
		"AWS_DEFAULT_REGION="+s.Region,
		"AWS_REGION="+s.Region,
		"AWS_CA_BUNDLE="+s.CAFile,
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
		"AWS_ENDPOINT_URL_IOT="+s.URL,
		"AWS_PAGER=",
	)
	return env
}

// AWSCLI runs the real aws CLI against s: `aws --endpoint-url URL args...`,
// with AWS_CA_BUNDLE set to hob's CA. It returns stdout, stderr and the
// exit code.
func (s *Server) AWSCLI(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return s.AWSCLIWithEnv(t, nil, args...)
}

// AWSCLIWithEnv is AWSCLI with extra KEY=VALUE environment variables,
// such as AWS_DATA_PATH.
func (s *Server) AWSCLIWithEnv(t testing.TB, extra []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	bin := RequireTool(t, "aws")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", s.URL, "--output", "json"}, args...)...)
	cmd.Env = append(s.Env(t), extra...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running aws %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}
