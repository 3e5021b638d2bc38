package loadgen

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	hobiot "github.com/hob-iot/hob/internal/iot"
)

// Provision asks the run to create its own client certificate and policy
// through the AWS IoT control-plane API of the broker under test (hob,
// or AWS IoT Core), to connect every client with them, and to delete
// them at the end. Credentials come from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
type Provision struct {
	Endpoint string // the iot API's URL; empty: AWS_ENDPOINT_URL_IOT, AWS_ENDPOINT_URL
	Region   string // empty: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
	// CA is a PEM file trusted for the API's HTTPS and the broker's TLS;
	// empty: Config.TLS.CA, else AWS_CA_BUNDLE, else the system's roots.
	CA string
}

// provisionTimeout bounds each control-plane call.
const provisionTimeout = 30 * time.Second

// provision creates a certificate with a policy that lets this run's
// clients connect and use the run's topics, and puts them in the
// dialer's TLS configuration. The returned cleanup deletes both.
func (r *run) provision(ctx context.Context) (cleanup func() error, err error) {
	if r.d.tls == nil {
		return nil, errors.New("provision: the url must be mqtts://")
	}
	p := *r.cfg.Provision
	p.CA = firstSet(p.CA, r.cfg.TLS.CA, os.Getenv("AWS_CA_BUNDLE"))
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	pv := &provisioned{client: client, policy: r.cfg.ClientID + "-" + r.id}
	if err := pv.create(ctx, r.policyDocument); err != nil {
		_ = pv.delete()
		return nil, fmt.Errorf("provision: %w", err)
	}
	r.d.tls.Certificates = []tls.Certificate{pv.cert}
	if p.CA != "" && r.cfg.TLS.CA == "" {
		pool, err := caPool(p.CA)
		if err != nil {
			_ = pv.delete()
			return nil, err
		}
		r.d.tls.RootCAs = pool
	}
	return pv.delete, nil
}

// client builds the iot API client.
func (p Provision) client() (*iot.Client, error) {
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return nil, errors.New("provision: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	cfg := aws.Config{
		Region:      firstSet(p.Region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1"),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN")),
	}
	if ep := firstSet(p.Endpoint, os.Getenv("AWS_ENDPOINT_URL_IOT"), os.Getenv("AWS_ENDPOINT_URL")); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	if p.CA != "" {
		pool, err := caPool(p.CA)
		if err != nil {
			return nil, err
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		cfg.HTTPClient = &http.Client{Transport: tr, Timeout: provisionTimeout}
	}
	return iot.NewFromConfig(cfg), nil
}

// policyDocument is the policy of a run: connect as the run's client ids
// (prefix-runid-*), publish, receive and subscribe under the topic prefix.
func (r *run) policyDocument(acct hobiot.ARN) (string, error) {
	arn := func(typ, name string) string {
		return hobiot.ARN{Partition: acct.Partition, Service: "iot", Region: acct.Region, Account: acct.Account, Type: typ, Name: name}.String()
	}
	type statement struct {
		Effect   string
		Action   []string
		Resource []string
	}
	doc := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{
		{"Allow", []string{"iot:Connect"}, []string{arn("client", r.cfg.ClientID+"-"+r.id+"-*")}},
		{"Allow", []string{"iot:Publish", "iot:Receive"}, []string{arn("topic", r.cfg.Topic+"/*")}},
		{"Allow", []string{"iot:Subscribe"}, []string{arn("topicfilter", r.cfg.Topic+"/*")}},
	}}
	b, err := json.Marshal(doc)
	return string(b), err
}

// caPool reads a PEM file of CA certificates.
func caPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca: no certificate in %s", file)
	}
	return pool, nil
}

// firstSet returns the first non-empty string.
func firstSet(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
