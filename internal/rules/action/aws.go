package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// awsClient makes one AWS service client on first use from Deps.AWS and
// keeps it; a failure is not kept, so a later firing tries again.
type awsClient[C any] struct {
	service string
	config  func(ctx context.Context, service string) (aws.Config, error)
	make    func(aws.Config) C

	mu     sync.Mutex // guards client and ok
	client C
	ok     bool
}

// newAWSClient returns the lazy client of service, or an error when hob
// has no AWS configuration.
func newAWSClient[C any](d Deps, service string, make func(aws.Config) C) (*awsClient[C], error) {
	if d.AWS == nil {
		return nil, fmt.Errorf("no AWS configuration for %s: configure credentials, region and endpoint", service)
	}
	return &awsClient[C]{service: service, config: d.AWS, make: make}, nil
}

// get returns the client, making it on first use.
func (c *awsClient[C]) get(ctx context.Context) (C, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok {
		return c.client, nil
	}
	cfg, err := c.config(ctx, c.service)
	if err != nil {
		var zero C
		return zero, fmt.Errorf("AWS configuration for %s: %w", c.service, err)
	}
	c.client, c.ok = c.make(cfg), true
	return c.client, nil
}

// errText is the message of an AWS SDK error, for AWS-like "The error
// received was ..." texts.
func errText(err error) string {
	var ae interface{ ErrorMessage() string }
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		var coded interface{ ErrorCode() string }
		if errors.As(err, &coded) {
			return ae.ErrorMessage() + " (Error Code: " + coded.ErrorCode() + ")"
		}
		return ae.ErrorMessage()
	}
	return err.Error()
}

// jsonObject parses output as a JSON object.
func jsonObject(output []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(output, &obj); err != nil || obj == nil {
		return nil, errors.New("the SELECT output is not a JSON object")
	}
	return obj, nil
}
