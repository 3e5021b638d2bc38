package api_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/smithy-go"

	"github.com/hob-iot/hob/internal/testutil"
)

// onStores runs fn against a fresh hob on each store engine: the embedded
// SQLite store and PostgreSQL.
func onStores(t *testing.T, fn func(t *testing.T, srv *testutil.Server, c *iot.Client)) {
	for _, st := range []struct {
		name string
		opts []testutil.Option
	}{{"sqlite", nil}, {"postgres", []testutil.Option{testutil.WithPostgres()}}} {
		t.Run(st.name, func(t *testing.T) {
			srv := testutil.StartServer(t, st.opts...)
			fn(t, srv, srv.IoT(t))
		})
	}
}

// wantAPIErr fails the test unless err is an AWS API error with the given
// code, HTTP status and a message.
func wantAPIErr(t *testing.T, err error, code string, status int) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if apiErr.ErrorCode() != code || apiErr.ErrorMessage() == "" {
		t.Fatalf("error %s %q, want %s with a message", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("error %v: want HTTP status %d", err, status)
	}
}

// errCase is one SDK call that must fail with an AWS error code and HTTP
// status.
type errCase struct {
	name   string
	call   func() error
	code   string
	status int
}

// runErrCases runs each case as a subtest and checks its error with
// wantAPIErr.
func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantAPIErr(t, tc.call(), tc.code, tc.status) })
	}
}

// outcome is an SDK call's result, for call(...).ok(t).
type outcome[T any] struct {
	v   T
	err error
}

// call captures an SDK call's two results.
func call[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

// ok returns the call's output, failing the test if it failed.
func (o outcome[T]) ok(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// awsCLI runs `aws iot ...` against one hob and decodes the output.
type awsCLI struct {
	t   *testing.T
	srv *testutil.Server
}

// run runs the command, which must succeed, and returns its JSON output
// (nil for commands that print nothing).
func (c awsCLI) run(args ...string) map[string]any {
	c.t.Helper()
	stdout, stderr, code := c.srv.AWSCLI(c.t, append([]string{"iot"}, args...)...)
	if code != 0 {
		c.t.Fatalf("aws iot %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	if strings.TrimSpace(stdout) == "" {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		c.t.Fatalf("aws iot %s printed non-JSON: %v\n%s", strings.Join(args, " "), err, stdout)
	}
	return out
}

// fail runs the command, which must fail with the AWS error code.
func (c awsCLI) fail(code string, args ...string) {
	c.t.Helper()
	_, stderr, exit := c.srv.AWSCLI(c.t, append([]string{"iot"}, args...)...)
	if exit == 0 || !strings.Contains(stderr, "("+code+")") {
		c.t.Errorf("aws iot %s: exit %d, stderr %q; want a failure with (%s)", strings.Join(args, " "), exit, stderr, code)
	}
}

// file writes content to a temp file and returns its file:// URL.
func (c awsCLI) file(name, content string) string {
	p := filepath.Join(c.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return "file://" + p
}

// jsonAt walks a decoded JSON document along the given keys and indexes.
func jsonAt(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// jsonString is jsonAt for a string; "" when there is none.
func jsonString(v any, path ...any) string {
	s, _ := jsonAt(v, path...).(string)
	return s
}

// jsonStrings collects the string at key of every element of the array at
// list (the elements themselves when key is "").
func jsonStrings(v any, list, key string) []string {
	m, _ := v.(map[string]any)
	a, _ := m[list].([]any)
	var out []string
	for _, e := range a {
		if key == "" {
			s, _ := e.(string)
			out = append(out, s)
			continue
		}
		out = append(out, jsonString(e, key))
	}
	return out
}
