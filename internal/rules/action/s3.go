package action

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3Params is AWS's S3Action.
type s3Params struct {
	RoleArn    string `json:"roleArn"`
	BucketName string `json:"bucketName"`
	Key        string `json:"key"`
	CannedACL  string `json:"cannedAcl"`
}

func (p *s3Params) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("bucketName", p.BucketName)
	c.required("key", p.Key)
	c.enum("cannedAcl", p.CannedACL, "private", "public-read", "public-read-write", "aws-exec-read",
		"authenticated-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write")
}

func (p *s3Params) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "s3", newS3Client)
	if err != nil {
		return nil, err
	}
	return &s3Action{p: *p, client: c}, nil
}

// newS3Client addresses buckets by path when the endpoint is overridden:
// S3-compatible stores (MinIO, moto, Ceph) rarely serve bucket subdomains.
func newS3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.BaseEndpoint != nil
	})
}

// s3Action writes the SELECT output as an object.
type s3Action struct {
	p      s3Params
	client *awsClient[*s3.Client]
}

func (a *s3Action) Kind() string     { return "S3Action" }
func (a *s3Action) Resource() string { return a.p.BucketName }

// Do renders the key and puts the object.
func (a *s3Action) Do(ctx context.Context, inv *Invocation) error {
	key, err := render(inv, a.p.Key)
	if err == nil && key == "" {
		err = fmt.Errorf("the key is empty")
	}
	if err != nil {
		return fmt.Errorf("Failed to put S3 object. %w", err)
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return fmt.Errorf("Failed to put S3 object. %w", err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(a.p.BucketName), Key: aws.String(key), Body: bytes.NewReader(inv.Output)}
	if a.p.CannedACL != "" {
		in.ACL = types.ObjectCannedACL(a.p.CannedACL)
	}
	if _, err := cl.PutObject(ctx, in); err != nil {
		return fmt.Errorf("Failed to put S3 object. The error received was %s. Message arrived on: %s, Action: s3, Bucket: %s, Key: %q",
			errText(err), inv.Topic, a.p.BucketName, key)
	}
	return nil
}

var _ Action = (*s3Action)(nil)
