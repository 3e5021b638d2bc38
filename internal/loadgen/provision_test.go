package loadgen

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/testutil"
)

// TestRun_Provision provisions through hob's control plane (a real hob,
// in-process) and loads a Mosquitto that trusts hob's CA and requires
// client certificates: the run creates a certificate and a policy, its
// clients connect with them, and nothing is left afterwards.
func TestRun_Provision(t *testing.T) {
	srv := testutil.StartServer(t)
	m := startMosquitto(t, "cafile "+srv.CAFile, "certfile "+filepath.Join(srv.DataDir, "server.pem"),
		"keyfile "+filepath.Join(srv.DataDir, "server.key"), "require_certificate true")
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")

	cfg := lightLoad(m.url("mqtts"), ModeP2P, 1, 5, "t/prov")
	cfg.Provision = &Provision{Endpoint: srv.URL, Region: srv.Region, CA: srv.CAFile}
	cfg.TLS.ServerName, cfg.BrokerPID = "localhost", m.pid
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, cfg)

	api := srv.IoT(t)
	certs, err := api.ListCertificates(context.Background(), &iot.ListCertificatesInput{})
	if err != nil {
		t.Fatal(err)
	}
	policies, err := api.ListPolicies(context.Background(), &iot.ListPoliciesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(certs.Certificates) != 0 || len(policies.Policies) != 0 {
		t.Errorf("left behind: %d certificates, %d policies", len(certs.Certificates), len(policies.Policies))
	}
}
