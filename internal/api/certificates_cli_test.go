package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
)

// certCLI runs `aws iot ...` against one hob and decodes the output.
type certCLI struct {
	t   *testing.T
	srv *testutil.Server
}

// run runs the command, which must succeed, and returns its JSON output
// (nil for commands that print nothing).
func (c certCLI) run(args ...string) map[string]any {
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
func (c certCLI) fail(code string, args ...string) {
	c.t.Helper()
	_, stderr, exit := c.srv.AWSCLI(c.t, append([]string{"iot"}, args...)...)
	if exit == 0 || !strings.Contains(stderr, "("+code+")") {
		c.t.Errorf("aws iot %s: exit %d, stderr %q; want a failure with (%s)", strings.Join(args, " "), exit, stderr, code)
	}
}

// file writes content to a temp file and returns its file:// URL.
func (c certCLI) file(name, content string) string {
	p := filepath.Join(c.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return "file://" + p
}

// cliStr walks decoded JSON along keys and indexes and returns the string
// there ("" when there is none).
func cliStr(v any, path ...any) string {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return ""
			}
			v = a[k]
		}
	}
	s, _ := v.(string)
	return s
}

// cliStrs collects the string at key of every element of the array at list.
func cliStrs(v any, list, key string) []string {
	m, _ := v.(map[string]any)
	a, _ := m[list].([]any)
	var out []string
	for _, e := range a {
		if key == "" {
			s, _ := e.(string)
			out = append(out, s)
			continue
		}
		out = append(out, cliStr(e, key))
	}
	return out
}

func TestCertificatesPolicies_AWSCLI(t *testing.T) {
	srv := testutil.StartServer(t)
	cli := certCLI{t, srv}

	created := cli.run("create-keys-and-certificate", "--set-as-active")
	id, arn := cliStr(created, "certificateId"), cliStr(created, "certificateArn")
	if len(id) != 64 || !strings.HasSuffix(arn, ":cert/"+id) || !strings.Contains(cliStr(created, "keyPair", "PrivateKey"), "PRIVATE KEY") {
		t.Fatalf("create-keys-and-certificate printed %v", created)
	}
	if d := cli.run("describe-certificate", "--certificate-id", id); cliStr(d, "certificateDescription", "status") != "ACTIVE" ||
		cliStr(d, "certificateDescription", "ownedBy") != srv.AccountID {
		t.Errorf("describe-certificate printed %v", d)
	}
	if l := cli.run("list-certificates"); !slices.Contains(cliStrs(l, "certificates", "certificateId"), id) {
		t.Errorf("list-certificates printed %v", l)
	}
	cli.fail("CertificateStateException", "delete-certificate", "--certificate-id", id)
	cli.fail("InvalidRequestException", "update-certificate", "--certificate-id", id, "--new-status", "PENDING_TRANSFER")

	doc1, doc2 := cli.file("p1.json", policyDoc("one")), cli.file("p2.json", policyDoc("two"))
	if p := cli.run("create-policy", "--policy-name", "cli-policy", "--policy-document", doc1); cliStr(p, "policyVersionId") != "1" ||
		cliStr(p, "policyDocument") != policyDoc("one") {
		t.Errorf("create-policy printed %v", p)
	}
	cli.fail("ResourceAlreadyExistsException", "create-policy", "--policy-name", "cli-policy", "--policy-document", doc1)
	cli.fail("MalformedPolicyException", "create-policy", "--policy-name", "bad", "--policy-document", `{"Version":"2012-10-17"}`)
	if v := cli.run("create-policy-version", "--policy-name", "cli-policy", "--policy-document", doc2, "--set-as-default"); cliStr(v, "policyVersionId") != "2" {
		t.Errorf("create-policy-version printed %v", v)
	}
	if vs := cli.run("list-policy-versions", "--policy-name", "cli-policy"); !slices.Equal(cliStrs(vs, "policyVersions", "versionId"), []string{"1", "2"}) {
		t.Errorf("list-policy-versions printed %v", vs)
	}
	if g := cli.run("get-policy", "--policy-name", "cli-policy"); cliStr(g, "defaultVersionId") != "2" || cliStr(g, "policyDocument") != policyDoc("two") {
		t.Errorf("get-policy printed %v", g)
	}
	if g := cli.run("get-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "1"); cliStr(g, "policyDocument") != policyDoc("one") {
		t.Errorf("get-policy-version printed %v", g)
	}
	cli.fail("InvalidRequestException", "delete-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "2")
	cli.run("set-default-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "1")

	cli.run("attach-policy", "--policy-name", "cli-policy", "--target", arn)
	if a := cli.run("list-attached-policies", "--target", arn); !slices.Equal(cliStrs(a, "policies", "policyName"), []string{"cli-policy"}) {
		t.Errorf("list-attached-policies printed %v", a)
	}
	if tg := cli.run("list-targets-for-policy", "--policy-name", "cli-policy"); !slices.Equal(cliStrs(tg, "targets", ""), []string{arn}) {
		t.Errorf("list-targets-for-policy printed %v", tg)
	}
	cli.fail("DeleteConflictException", "delete-policy", "--policy-name", "cli-policy")

	cli.run("create-thing", "--thing-name", "cli-thing")
	cli.run("attach-thing-principal", "--thing-name", "cli-thing", "--principal", arn)
	if p := cli.run("list-thing-principals", "--thing-name", "cli-thing"); !slices.Equal(cliStrs(p, "principals", ""), []string{arn}) {
		t.Errorf("list-thing-principals printed %v", p)
	}
	if th := cli.run("list-principal-things", "--principal", arn); !slices.Equal(cliStrs(th, "things", ""), []string{"cli-thing"}) {
		t.Errorf("list-principal-things printed %v", th)
	}
	cli.fail("ResourceNotFoundException", "attach-thing-principal", "--thing-name", "no-such-thing", "--principal", arn)

	cli.run("update-certificate", "--certificate-id", id, "--new-status", "INACTIVE")
	cli.fail("DeleteConflictException", "delete-certificate", "--certificate-id", id)
	cli.run("detach-thing-principal", "--thing-name", "cli-thing", "--principal", arn)
	cli.fail("DeleteConflictException", "delete-certificate", "--certificate-id", id)
	cli.run("detach-policy", "--policy-name", "cli-policy", "--target", arn)
	cli.run("delete-certificate", "--certificate-id", id)
	cli.fail("ResourceNotFoundException", "describe-certificate", "--certificate-id", id)
	cli.run("delete-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "2")
	cli.run("delete-policy", "--policy-name", "cli-policy")
	cli.run("delete-thing", "--thing-name", "cli-thing")
	if l := cli.run("list-policies"); len(cliStrs(l, "policies", "policyName")) != 0 {
		t.Errorf("list-policies after cleanup printed %v", l)
	}

	reg := cli.run("register-certificate-without-ca", "--certificate-pem", cli.file("cert.pem", selfSignedPEM(t)), "--status", "ACTIVE")
	if d := cli.run("describe-certificate", "--certificate-id", cliStr(reg, "certificateId")); cliStr(d, "certificateDescription", "certificateMode") != "SNI_ONLY" {
		t.Errorf("registered certificate: %v", d)
	}
	fromCSR := cli.run("create-certificate-from-csr", "--certificate-signing-request", cli.file("dev.csr", csrPEM(t)))
	if !strings.Contains(cliStr(fromCSR, "certificatePem"), "BEGIN CERTIFICATE") {
		t.Errorf("create-certificate-from-csr printed %v", fromCSR)
	}
}
