package registry

import (
	"errors"
	"regexp"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// cognitoIDRe matches an Amazon Cognito identity id ("region:uuid"), which
// AWS accepts as a principal.
var cognitoIDRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d:[0-9a-fA-F-]+$`)

// certPrincipalTxn checks that p names an existing certificate of this
// account by its ARN and returns the certificate's id.
//
// AWS also accepts Amazon Cognito identities, which hob does not have
// (InvalidRequestException says so). A certificate ARN of another account
// or region, or of a certificate that does not exist, is a
// ResourceNotFoundException, as moto answers for unknown certificates.
func (r *Registry) certPrincipalTxn(tx store.ReadTx, p string) (string, error) {
	if p == "" {
		return "", iot.Errorf(iot.InvalidRequestException, "principal is required")
	}
	if cognitoIDRe.MatchString(p) {
		return "", iot.Errorf(iot.InvalidRequestException,
			"principal %q is an Amazon Cognito identity; hob supports certificate principals only", p)
	}
	a, err := iot.ParseARN(p)
	if err != nil {
		return "", iot.Errorf(iot.InvalidRequestException, "principal %q is not a certificate ARN: %v", p, err)
	}
	if a.Service != "iot" || a.Type != iot.TypeCert {
		return "", iot.Errorf(iot.InvalidRequestException,
			"principal %q is not a certificate ARN (arn:%s:iot:%s:%s:cert/<certificateId>)",
			p, r.account.Partition, r.account.Region, r.account.ID)
	}
	id := a.Name
	if p != r.account.ARN(iot.TypeCert, id) {
		return "", iot.Errorf(iot.ResourceNotFoundException, "certificate %s is not in this account and region", p)
	}
	if _, err := tx.Get(tableCertificates, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", iot.Errorf(iot.ResourceNotFoundException, "certificate %s does not exist", p)
		}
		return "", err
	}
	return id, nil
}

// policyTargetTxn checks a target of AttachPolicy and its family: a
// certificate ARN as certPrincipalTxn does. Thing-group ARNs are valid
// targets in AWS, but hob has no thing groups, so any named group does not
// exist (ResourceNotFoundException).
func (r *Registry) policyTargetTxn(tx store.ReadTx, target string) error {
	if a, err := iot.ParseARN(target); err == nil && a.Type == iot.TypeThingGroup {
		return iot.Errorf(iot.ResourceNotFoundException,
			"thing group %s does not exist (hob does not support thing groups yet)", target)
	}
	_, err := r.certPrincipalTxn(tx, target)
	return err
}

// principalThingExistsTxn returns ResourceNotFoundException unless the thing exists.
func principalThingExistsTxn(tx store.ReadTx, name string) error {
	_, err := tx.Get(tableThings, name)
	if errors.Is(err, store.ErrNotFound) {
		return iot.Errorf(iot.ResourceNotFoundException, "thing %s does not exist", name)
	}
	return err
}
