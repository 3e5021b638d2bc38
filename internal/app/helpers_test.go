package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/testutil"
)

// thingPolicy lets a device connect as its own thing and use only its own
// topics, the policy the ELF walk-through attaches (spec §2.4).
const thingPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/elf/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/elf/${iot:Connection.Thing.ThingName}"}]}`

// device is a thing with its own certificate and a policy, provisioned
// through hob's API exactly as a user would.
type device struct {
	name    string
	certID  string
	tls     *tls.Config
	certPEM []byte
	keyPEM  []byte
}

// provision creates thing name with a fresh certificate and thingPolicy.
func provision(t *testing.T, srv *testutil.Server, client *iot.Client, name string) device {
	t.Helper()
	return provisionWithPolicy(t, srv, client, name, thingPolicy)
}

// provisionWithPolicy creates thing name with a fresh ACTIVE certificate
// and attaches the policy document doc, named p-NAME, to that certificate.
func provisionWithPolicy(t *testing.T, srv *testutil.Server, client *iot.Client, name, doc string) device {
	t.Helper()
	ctx := context.Background()
	kc, err := client.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String(name), Principal: kc.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p-" + name), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p-" + name), Target: kc.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := []byte(aws.ToString(kc.CertificatePem)), []byte(aws.ToString(kc.KeyPair.PrivateKey))
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return device{name: name, certID: aws.ToString(kc.CertificateId), certPEM: certPEM, keyPEM: keyPEM,
		tls: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, ServerName: "localhost"}}
}

// files writes the device's certificate and private key to PEM files in a
// temporary directory, for clients outside Go, and returns their paths.
func (d device) files(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, d.name+".crt"), filepath.Join(dir, d.name+".key")
	if err := os.WriteFile(certFile, d.certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, d.keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// unregisteredFiles writes a fresh self-signed certificate and its key,
// which hob has never seen, and returns their paths.
func unregisteredFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "stranger"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	d := device{name: "stranger",
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})}
	return d.files(t)
}

// toolRun is how a client program outside Go ended.
type toolRun struct {
	stdout, stderr string
	code           int // exit code; -1 when killed at the deadline
}

// runTool runs program name with args in dir ("" = here), killing it after
// timeout, and returns its output and exit code.
func runTool(t *testing.T, timeout time.Duration, dir, name string, args ...string) toolRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := toolRun{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s %v: %v", name, args, err)
	}
	return r
}
