package action

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signRequest signs req and its body with SigV4 for service in region
// (the configuration's region when region is empty), with hob's AWS
// credentials from config (a session token goes in X-Amz-Security-Token).
// AWS signs with the credentials of the action's role; hob has no IAM and
// uses its own (docs/rules.md).
func signRequest(ctx context.Context, config func(context.Context, string) (aws.Config, error), signer *v4.Signer,
	req *http.Request, body []byte, service, region string) error {
	cfg, err := config(ctx, service)
	if err != nil {
		return err
	}
	if cfg.Credentials == nil {
		return errors.New("hob has no AWS credentials")
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	if region == "" {
		region = cfg.Region
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	return signer.SignHTTP(ctx, creds, req, hash, service, region, time.Now())
}
