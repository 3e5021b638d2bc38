package app

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"testing"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/policy"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/store/sqlite"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

func TestBrokerAuthorizer_Authenticate(t *testing.T) {
	ctx := context.Background()
	account := iot.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}
	st, err := sqlite.Open(t.TempDir() + "/hob.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	reg, devs := NewRegistryAndDevices(st, account, nil, nil, nil)
	certPEM := certtest.SelfSignedPEM(t, "device")
	out, err := reg.RegisterCertificateWithoutCA(ctx, registry.RegisterCertificateInput{CertificatePEM: certPEM, Status: registry.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	onlyTen := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	if _, err := reg.CreatePolicy(ctx, registry.CreatePolicyInput{Name: "ten", Document: onlyTen}); err != nil {
		t.Fatal(err)
	}
	if err := reg.AttachPolicy(ctx, registry.PolicyTargetInput{PolicyName: "ten", Target: out.CertificateARN}); err != nil {
		t.Fatal(err)
	}
	cert, err := pki.ParseCertificatePEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	b := brokerAuthorizer{devs: devs, account: account, devPolicy: policy.MustParse(onlyTen)}
	clientRes := account.ARN(iot.TypeClient, "c1")

	p, err := b.Authenticate(ctx, broker.ConnInfo{ClientID: "c1", Transport: broker.TransportTLS,
		Certificates: []*x509.Certificate{cert}, RemoteAddr: &net.TCPAddr{IP: net.ParseIP("10.9.8.7"), Port: 40000}})
	if err != nil || p.ID() != out.CertificateARN || !p.Authorize(policy.ActionConnect, clientRes).Allowed {
		t.Fatalf("TLS client: %v, %v; want the certificate's principal, allowed from 10.9.8.7", p, err)
	}
	dev, err := b.Authenticate(ctx, broker.ConnInfo{ClientID: "c1", Transport: broker.TransportDev,
		RemoteAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}})
	if err != nil || dev.ID() != "dev" || dev.Authorize(policy.ActionConnect, clientRes).Allowed {
		t.Fatalf("dev client: %v, %v; want the dev principal under the dev policy (127.0.0.1 is not in 10/8)", dev, err)
	}
	p, err = b.Authenticate(ctx, broker.ConnInfo{ClientID: "c1", Transport: broker.TransportWebSocket})
	if p != nil || !errors.Is(err, auth.ErrNoCertificate) {
		t.Fatalf("WebSocket client without certificate: %v, %v; want ErrNoCertificate and a nil Principal", p, err)
	}
	p, err = b.Authenticate(ctx, broker.ConnInfo{ClientID: "c1", Transport: broker.TransportWebSocket, SigV4AccessKeyID: "AKIDEXAMPLE"})
	if err != nil || !p.Authorize(policy.ActionConnect, clientRes).Allowed ||
		!p.Authorize(policy.ActionPublish, account.ARN(iot.TypeTopic, "any/topic")).Allowed {
		t.Fatalf("WebSocket client with a verified access key: %v, %v; want a principal that allows everything", p, err)
	}
}
