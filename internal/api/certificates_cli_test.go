package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

func TestCertificatesPolicies_AWSCLI(t *testing.T) {
	srv := testutil.StartServer(t)
	cli := awsCLI{t, srv}

	created := cli.run("create-keys-and-certificate", "--set-as-active")
	id, arn := jsonString(created, "certificateId"), jsonString(created, "certificateArn")
	if len(id) != 64 || !strings.HasSuffix(arn, ":cert/"+id) || !strings.Contains(jsonString(created, "keyPair", "PrivateKey"), "PRIVATE KEY") {
		t.Fatalf("create-keys-and-certificate printed %v", created)
	}
	if d := cli.run("describe-certificate", "--certificate-id", id); jsonString(d, "certificateDescription", "status") != "ACTIVE" ||
		jsonString(d, "certificateDescription", "ownedBy") != srv.AccountID {
		t.Errorf("describe-certificate printed %v", d)
	}
	if l := cli.run("list-certificates"); !slices.Contains(jsonStrings(l, "certificates", "certificateId"), id) {
		t.Errorf("list-certificates printed %v", l)
	}
	cli.fail("CertificateStateException", "delete-certificate", "--certificate-id", id)
	cli.fail("InvalidRequestException", "update-certificate", "--certificate-id", id, "--new-status", "PENDING_TRANSFER")

	doc1, doc2 := cli.file("p1.json", policyDoc("one")), cli.file("p2.json", policyDoc("two"))
	if p := cli.run("create-policy", "--policy-name", "cli-policy", "--policy-document", doc1); jsonString(p, "policyVersionId") != "1" ||
		jsonString(p, "policyDocument") != policyDoc("one") {
		t.Errorf("create-policy printed %v", p)
	}
	cli.fail("ResourceAlreadyExistsException", "create-policy", "--policy-name", "cli-policy", "--policy-document", doc1)
	cli.fail("MalformedPolicyException", "create-policy", "--policy-name", "bad", "--policy-document", `{"Version":"2012-10-17"}`)
	if v := cli.run("create-policy-version", "--policy-name", "cli-policy", "--policy-document", doc2, "--set-as-default"); jsonString(v, "policyVersionId") != "2" {
		t.Errorf("create-policy-version printed %v", v)
	}
	if vs := cli.run("list-policy-versions", "--policy-name", "cli-policy"); !slices.Equal(jsonStrings(vs, "policyVersions", "versionId"), []string{"1", "2"}) {
		t.Errorf("list-policy-versions printed %v", vs)
	}
	if g := cli.run("get-policy", "--policy-name", "cli-policy"); jsonString(g, "defaultVersionId") != "2" || jsonString(g, "policyDocument") != policyDoc("two") {
		t.Errorf("get-policy printed %v", g)
	}
	if g := cli.run("get-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "1"); jsonString(g, "policyDocument") != policyDoc("one") {
		t.Errorf("get-policy-version printed %v", g)
	}
	cli.fail("InvalidRequestException", "delete-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "2")
	cli.run("set-default-policy-version", "--policy-name", "cli-policy", "--policy-version-id", "1")

	cli.run("attach-policy", "--policy-name", "cli-policy", "--target", arn)
	if a := cli.run("list-attached-policies", "--target", arn); !slices.Equal(jsonStrings(a, "policies", "policyName"), []string{"cli-policy"}) {
		t.Errorf("list-attached-policies printed %v", a)
	}
	if tg := cli.run("list-targets-for-policy", "--policy-name", "cli-policy"); !slices.Equal(jsonStrings(tg, "targets", ""), []string{arn}) {
		t.Errorf("list-targets-for-policy printed %v", tg)
	}
	cli.fail("DeleteConflictException", "delete-policy", "--policy-name", "cli-policy")

	cli.run("create-thing", "--thing-name", "cli-thing")
	cli.run("attach-thing-principal", "--thing-name", "cli-thing", "--principal", arn)
	if p := cli.run("list-thing-principals", "--thing-name", "cli-thing"); !slices.Equal(jsonStrings(p, "principals", ""), []string{arn}) {
		t.Errorf("list-thing-principals printed %v", p)
	}
	if th := cli.run("list-principal-things", "--principal", arn); !slices.Equal(jsonStrings(th, "things", ""), []string{"cli-thing"}) {
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
	if l := cli.run("list-policies"); len(jsonStrings(l, "policies", "policyName")) != 0 {
		t.Errorf("list-policies after cleanup printed %v", l)
	}

	reg := cli.run("register-certificate-without-ca", "--certificate-pem", cli.file("cert.pem", certtest.SelfSignedPEM(t, "registered")), "--status", "ACTIVE")
	if d := cli.run("describe-certificate", "--certificate-id", jsonString(reg, "certificateId")); jsonString(d, "certificateDescription", "certificateMode") != "SNI_ONLY" {
		t.Errorf("registered certificate: %v", d)
	}
	fromCSR := cli.run("create-certificate-from-csr", "--certificate-signing-request", cli.file("dev.csr", certtest.CSRPEM(t, nil, "from-csr")))
	if !strings.Contains(jsonString(fromCSR, "certificatePem"), "BEGIN CERTIFICATE") {
		t.Errorf("create-certificate-from-csr printed %v", fromCSR)
	}
}
