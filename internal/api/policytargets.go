package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// Headers of the deprecated principal-policy operations (spec §3.0).
const (
	iotPrincipalHeader = "x-amzn-iot-principal"
	iotPolicyHeader    = "x-amzn-iot-policy"
)

// policyTargetRoutes serves attaching policies to targets and listing the
// attachments, with the deprecated principal-policy variants (spec §3.4).
func (s *Server) policyTargetRoutes() []route {
	paging := []string{"marker", "pageSize"}
	ordered := []string{"marker", "pageSize", "isAscendingOrder"}
	return []route{
		iotRoute("AttachPolicy", "PUT", "/target-policies/{policyName}", nil, s.attachPolicy),
		iotRoute("DetachPolicy", "POST", "/target-policies/{policyName}", nil, s.detachPolicy),
		iotRoute("AttachPrincipalPolicy", "PUT", "/principal-policies/{policyName}", nil, s.attachPrincipalPolicy),
		iotRoute("DetachPrincipalPolicy", "DELETE", "/principal-policies/{policyName}", nil, s.detachPrincipalPolicy),
		iotRoute("ListAttachedPolicies", "POST", "/attached-policies/{target}", []string{"recursive", "marker", "pageSize"}, s.listAttachedPolicies),
		iotRoute("ListTargetsForPolicy", "POST", "/policy-targets/{policyName}", paging, s.listTargetsForPolicy),
		iotRoute("ListPrincipalPolicies", "GET", "/principal-policies", ordered, s.listPrincipalPolicies),
		iotRoute("ListPolicyPrincipals", "GET", "/policy-principals", ordered, s.listPolicyPrincipals),
		iotRoute("GetEffectivePolicies", "POST", "/effective-policies", []string{"thingName"}, s.getEffectivePolicies),
	}
}

type policyTargetInput struct {
	Target *string `json:"target"`
}

// targetOf reads AttachPolicy's and DetachPolicy's request.
func targetOf(r *Request) (registry.PolicyTargetInput, error) {
	var in policyTargetInput
	if err := r.Decode(&in); err != nil {
		return registry.PolicyTargetInput{}, err
	}
	if in.Target == nil || *in.Target == "" {
		return registry.PolicyTargetInput{}, iot.Errorf(iot.InvalidRequestException, "target is required")
	}
	return registry.PolicyTargetInput{PolicyName: r.Label("policyName"), Target: *in.Target}, nil
}

// principalPolicyOf reads the deprecated operations' request: the
// principal travels in a header.
func principalPolicyOf(r *Request) (registry.PolicyTargetInput, error) {
	p := r.Header(iotPrincipalHeader)
	if p == "" {
		return registry.PolicyTargetInput{}, iot.Errorf(iot.InvalidRequestException,
			"header %s (the principal) is required", iotPrincipalHeader)
	}
	return registry.PolicyTargetInput{PolicyName: r.Label("policyName"), Target: p}, nil
}

func (s *Server) attachPolicy(ctx context.Context, r *Request) (any, error) {
	in, err := targetOf(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Policies.AttachPolicy(ctx, in)
}

func (s *Server) detachPolicy(ctx context.Context, r *Request) (any, error) {
	in, err := targetOf(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Policies.DetachPolicy(ctx, in)
}

func (s *Server) attachPrincipalPolicy(ctx context.Context, r *Request) (any, error) {
	in, err := principalPolicyOf(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Policies.AttachPolicy(ctx, in)
}

func (s *Server) detachPrincipalPolicy(ctx context.Context, r *Request) (any, error) {
	in, err := principalPolicyOf(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Policies.DetachPrincipalPolicy(ctx, in)
}

// listAttachedPolicies lists a target's policies. recursive concerns thing
// groups, which hob does not have; it is validated and has no effect.
func (s *Server) listAttachedPolicies(ctx context.Context, r *Request) (any, error) {
	if _, err := r.QueryBool("recursive", false); err != nil {
		return nil, err
	}
	return s.attachedPolicies(ctx, r, r.Label("target"))
}

// listPrincipalPolicies is the deprecated ListAttachedPolicies. The list
// is in policy-name order whatever isAscendingOrder says.
func (s *Server) listPrincipalPolicies(ctx context.Context, r *Request) (any, error) {
	p := r.Header(iotPrincipalHeader)
	if p == "" {
		return nil, iot.Errorf(iot.InvalidRequestException, "header %s (the principal) is required", iotPrincipalHeader)
	}
	return s.attachedPolicies(ctx, r, p)
}

func (s *Server) attachedPolicies(ctx context.Context, r *Request, target string) (any, error) {
	q, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Policies.ListAttachedPolicies(ctx,
		registry.ListAttachedPoliciesInput{Target: target, Marker: q.marker, PageSize: q.pageSize})
	if err != nil {
		return nil, err
	}
	return policiesPage(page), nil
}

type listTargetsForPolicyOutput struct {
	Targets    []string `json:"targets"`
	NextMarker string   `json:"nextMarker,omitempty"`
}

func (s *Server) listTargetsForPolicy(ctx context.Context, r *Request) (any, error) {
	page, err := s.policyTargets(ctx, r, r.Label("policyName"))
	if err != nil {
		return nil, err
	}
	return listTargetsForPolicyOutput{Targets: page.Items, NextMarker: page.Next}, nil
}

type listPolicyPrincipalsOutput struct {
	Principals []string `json:"principals"`
	NextMarker string   `json:"nextMarker,omitempty"`
}

// listPolicyPrincipals is the deprecated ListTargetsForPolicy; the policy
// name travels in a header. The list is in target order whatever
// isAscendingOrder says.
func (s *Server) listPolicyPrincipals(ctx context.Context, r *Request) (any, error) {
	name := r.Header(iotPolicyHeader)
	if name == "" {
		return nil, iot.Errorf(iot.InvalidRequestException, "header %s (the policy name) is required", iotPolicyHeader)
	}
	page, err := s.policyTargets(ctx, r, name)
	if err != nil {
		return nil, err
	}
	return listPolicyPrincipalsOutput{Principals: page.Items, NextMarker: page.Next}, nil
}

func (s *Server) policyTargets(ctx context.Context, r *Request, policyName string) (registry.Page[string], error) {
	q, err := markerPage(r)
	if err != nil {
		return registry.Page[string]{}, err
	}
	return s.svc.Policies.ListTargetsForPolicy(ctx,
		registry.ListTargetsForPolicyInput{PolicyName: policyName, Marker: q.marker, PageSize: q.pageSize})
}

type getEffectivePoliciesInput struct {
	Principal             string `json:"principal"`
	CognitoIdentityPoolID string `json:"cognitoIdentityPoolId"`
}

type effectivePolicy struct {
	PolicyName     string `json:"policyName"`
	PolicyArn      string `json:"policyArn"`
	PolicyDocument string `json:"policyDocument"`
}

type getEffectivePoliciesOutput struct {
	EffectivePolicies []effectivePolicy `json:"effectivePolicies"`
}

func (s *Server) getEffectivePolicies(ctx context.Context, r *Request) (any, error) {
	var in getEffectivePoliciesInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	ps, err := s.svc.Policies.GetEffectivePolicies(ctx, registry.GetEffectivePoliciesInput{
		Principal: in.Principal, CognitoIdentityPoolID: in.CognitoIdentityPoolID, ThingName: r.Query("thingName")})
	if err != nil {
		return nil, err
	}
	out := getEffectivePoliciesOutput{EffectivePolicies: make([]effectivePolicy, 0, len(ps))}
	for _, p := range ps {
		out.EffectivePolicies = append(out.EffectivePolicies, effectivePolicy{p.Name, p.ARN, p.Document})
	}
	return out, nil
}
