package auth

import (
	"context"
	"slices"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
)

// TestAuthorization's limits (botocore model: AuthInfos, Resource).
const (
	maxAuthInfos      = 10
	maxResourceLength = 2048
)

// testActions maps TestAuthorization's action types (botocore ActionType)
// to the actions they check.
var testActions = map[string]string{
	"PUBLISH":   policy.ActionPublish,
	"SUBSCRIBE": policy.ActionSubscribe,
	"RECEIVE":   policy.ActionReceive,
	"CONNECT":   policy.ActionConnect,
}

// AuthDecision is TestAuthorization's verdict on one AuthInfo.
type AuthDecision string

// The verdicts (botocore AuthDecision).
const (
	AuthAllowed      AuthDecision = "ALLOWED"
	AuthExplicitDeny AuthDecision = "EXPLICIT_DENY"
	AuthImplicitDeny AuthDecision = "IMPLICIT_DENY"
)

// AuthInfo is one question: may the principal perform ActionType on each
// of Resources (full ARNs)?
type AuthInfo struct {
	ActionType string // PUBLISH, SUBSCRIBE, RECEIVE or CONNECT
	Resources  []string
}

// PolicyRef names a policy in an AuthResult.
type PolicyRef struct {
	Name string
	ARN  string
}

// AuthResult answers one AuthInfo. Only the list of the Decision is
// filled: Allowed the policies that allowed some resource, ExplicitDeny
// those that denied one, ImplicitDeny every policy evaluated.
// MissingContextValues names the variables and condition keys that the
// statements consulted but the test could not supply, sorted.
type AuthResult struct {
	AuthInfo             AuthInfo
	Decision             AuthDecision
	Allowed              []PolicyRef
	ExplicitDeny         []PolicyRef
	ImplicitDeny         []PolicyRef
	MissingContextValues []string
}

// TestAuthorizationInput is TestAuthorization's request.
type TestAuthorizationInput struct {
	Principal             string // a certificate ARN
	CognitoIdentityPoolID string
	ClientID              string // for iot:ClientId and the thing variables
	AuthInfos             []AuthInfo
	PolicyNamesToAdd      []string // evaluated as if attached
	PolicyNamesToSkip     []string // evaluated as if not attached
}

// TestAuthorization evaluates each AuthInfo as the broker would for a
// client of Principal connected with ClientID, over the policies attached
// to it plus PolicyNamesToAdd minus PolicyNamesToSkip. Certificate and
// thing variables resolve as on a live connection; aws:SourceIp,
// iot:LastWillTopic and iot:ConnectAttributes have no value. The
// certificate's status is not considered.
//
// Errors are *iot.Error values: InvalidRequestException for a malformed
// request, a Cognito identity or a principal that is not a certificate
// ARN; ResourceNotFoundException for an unknown certificate, thing group or
// policy to add.
func (ds *Devices) TestAuthorization(ctx context.Context, in TestAuthorizationInput) ([]AuthResult, error) {
	if err := checkTestInput(in); err != nil {
		return nil, err
	}
	cert, err := ds.testPrincipal(ctx, in.Principal)
	if err != nil {
		return nil, err
	}
	pols, err := ds.testPolicies(ctx, cert.ARN, in)
	if err != nil {
		return nil, err
	}
	things, err := ds.attachedThings(ctx, cert.ARN)
	if err != nil {
		return nil, err
	}
	facts := newConnFacts(ConnRequest{ClientID: in.ClientID}, cert.X509, ds.account)
	vars, fctx := facts.withCertificate()
	delete(fctx, keyConnectAttributes)
	th, attached := things[in.ClientID]
	thingVars(vars, fctx, th, attached && in.ClientID != "")
	docs := ds.compileAll(pols)
	out := make([]AuthResult, len(in.AuthInfos))
	for i, info := range in.AuthInfos {
		out[i] = evaluateInfo(info, pols, docs, vars, fctx)
	}
	return out, nil
}

// checkTestInput validates the request before anything is read.
func checkTestInput(in TestAuthorizationInput) error {
	if in.CognitoIdentityPoolID != "" {
		return iot.Errorf(iot.InvalidRequestException, "cognitoIdentityPoolId: hob does not support Amazon Cognito identities")
	}
	if n := len(in.AuthInfos); n < 1 || n > maxAuthInfos {
		return iot.Errorf(iot.InvalidRequestException, "authInfos must have 1 to %d members, got %d", maxAuthInfos, n)
	}
	for i, info := range in.AuthInfos {
		if _, ok := testActions[info.ActionType]; !ok {
			return iot.Errorf(iot.InvalidRequestException,
				"authInfos[%d].actionType %q is not one of PUBLISH, SUBSCRIBE, RECEIVE, CONNECT", i, info.ActionType)
		}
		if len(info.Resources) == 0 {
			return iot.Errorf(iot.InvalidRequestException, "authInfos[%d].resources must name at least one resource ARN", i)
		}
		for j, r := range info.Resources {
			if len(r) > maxResourceLength {
				return iot.Errorf(iot.InvalidRequestException,
					"authInfos[%d].resources[%d] is %d characters long; the limit is %d", i, j, len(r), maxResourceLength)
			}
		}
	}
	for _, names := range [][]string{in.PolicyNamesToAdd, in.PolicyNamesToSkip} {
		for _, n := range names {
			if err := iot.PolicyName.Check(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// testPrincipal returns the certificate that principal names. hob's only
// principals are certificates (see GetEffectivePolicies in the registry).
func (ds *Devices) testPrincipal(ctx context.Context, principal string) (DeviceCertificate, error) {
	want := ds.account.ARN(iot.TypeCert, "<certificateId>")
	if principal == "" {
		return DeviceCertificate{}, iot.Errorf(iot.InvalidRequestException,
			"principal is required: hob tests certificate principals (%s)", want)
	}
	a, err := iot.ParseARN(principal)
	switch {
	case err == nil && a.Type == iot.TypeThingGroup:
		return DeviceCertificate{}, iot.Errorf(iot.ResourceNotFoundException,
			"thing group %s does not exist (hob does not support thing groups yet)", principal)
	case err != nil || a.Service != "iot" || a.Type != iot.TypeCert:
		return DeviceCertificate{}, iot.Errorf(iot.InvalidRequestException,
			"principal %q is not a certificate ARN (%s); hob supports certificate principals only", principal, want)
	case principal != ds.account.ARN(iot.TypeCert, a.Name):
		return DeviceCertificate{}, iot.Errorf(iot.ResourceNotFoundException,
			"certificate %s is not in this account and region", principal)
	}
	return ds.reg.CertificateByID(ctx, a.Name)
}

// testPolicies returns the policies to evaluate: those attached to
// principalARN and those to add, without those to skip.
func (ds *Devices) testPolicies(ctx context.Context, principalARN string, in TestAuthorizationInput) ([]PolicyDocument, error) {
	pols, err := ds.reg.PolicyDocumentsForPrincipal(ctx, principalARN)
	if err != nil {
		return nil, err
	}
	for _, name := range in.PolicyNamesToAdd {
		if slices.ContainsFunc(pols, func(p PolicyDocument) bool { return p.Name == name }) {
			continue
		}
		p, err := ds.reg.PolicyDocument(ctx, name)
		if err != nil {
			return nil, err
		}
		pols = append(pols, p)
	}
	return slices.DeleteFunc(pols, func(p PolicyDocument) bool {
		return slices.Contains(in.PolicyNamesToSkip, p.Name)
	}), nil
}
