package loadgen

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	hobiot "github.com/hob-iot/hob/internal/iot"
)

// provisioned is what provision created: a certificate, and a policy
// attached to it. The fields record each step so that delete undoes
// exactly what was done.
type provisioned struct {
	client   *iot.Client
	policy   string // the policy's name
	certID   string
	certARN  string
	made     bool // the policy exists
	attached bool
	cert     tls.Certificate
}

// create makes the certificate (active), the policy, and attaches one to
// the other. doc writes the policy for the account the certificate's ARN
// names.
func (p *provisioned) create(ctx context.Context, doc func(hobiot.ARN) (string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, provisionTimeout)
	defer cancel()
	out, err := p.client.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		return fmt.Errorf("CreateKeysAndCertificate: %w", err)
	}
	p.certID, p.certARN = aws.ToString(out.CertificateId), aws.ToString(out.CertificateArn)
	if out.KeyPair == nil {
		return errors.New("CreateKeysAndCertificate returned no key pair")
	}
	if p.cert, err = tls.X509KeyPair([]byte(aws.ToString(out.CertificatePem)), []byte(aws.ToString(out.KeyPair.PrivateKey))); err != nil {
		return fmt.Errorf("the issued certificate: %w", err)
	}
	arn, err := hobiot.ParseARN(p.certARN)
	if err != nil {
		return fmt.Errorf("certificate ARN: %w", err)
	}
	text, err := doc(arn)
	if err != nil {
		return err
	}
	if _, err := p.client.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(p.policy), PolicyDocument: aws.String(text)}); err != nil {
		return fmt.Errorf("CreatePolicy: %w", err)
	}
	p.made = true
	if _, err := p.client.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String(p.policy), Target: aws.String(p.certARN)}); err != nil {
		return fmt.Errorf("AttachPolicy: %w", err)
	}
	p.attached = true
	return nil
}

// delete undoes create: detach, deactivate and delete the certificate,
// delete the policy. It tries every step and returns every failure.
func (p *provisioned) delete() error {
	ctx, cancel := context.WithTimeout(context.Background(), provisionTimeout)
	defer cancel()
	var errs []error
	if p.attached {
		_, err := p.client.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String(p.policy), Target: aws.String(p.certARN)})
		errs = append(errs, wrap("DetachPolicy", err))
	}
	if p.certID != "" {
		id := aws.String(p.certID)
		_, err := p.client.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusInactive})
		errs = append(errs, wrap("UpdateCertificate", err))
		_, err = p.client.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: id})
		errs = append(errs, wrap("DeleteCertificate", err))
	}
	if p.made {
		_, err := p.client.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String(p.policy)})
		errs = append(errs, wrap("DeletePolicy", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("provision cleanup: %w", err)
	}
	return nil
}

// wrap prefixes err with the operation's name; nil stays nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
