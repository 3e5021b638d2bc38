package elf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// session is what a command needs: options, local state, output, and once
// connect has run, the AWS IoT API and the trusted CAs.
type session struct {
	o      *Options
	st     *State
	out    *printer
	api    *iot.Client
	region string
	pool   *x509.CertPool
}

// connect loads the AWS configuration the standard way (environment,
// shared files, --profile, --region; AWS_ENDPOINT_URL_IOT and
// AWS_ENDPOINT_URL through the SDK) and makes an iot client that trusts
// elf's CAs, with --endpoint-url applied.
func (s *session) connect(ctx context.Context) error {
	pool, err := trustPool(s.o.CA)
	if err != nil {
		return err
	}
	var loads []func(*config.LoadOptions) error
	if s.o.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(s.o.Profile))
	}
	if s.o.Region != "" {
		loads = append(loads, config.WithRegion(s.o.Region))
	}
	loads = append(loads, config.WithRetryMaxAttempts(2))
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return describeConfigErr(err)
	}
	if cfg.Region == "" {
		return errNoRegion
	}
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	})
	s.api = iot.NewFromConfig(cfg, func(io *iot.Options) {
		if s.o.EndpointURL != "" {
			io.BaseEndpoint = aws.String(s.o.EndpointURL)
		}
	})
	s.region, s.pool = cfg.Region, pool
	return nil
}
