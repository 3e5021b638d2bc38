package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// policyVersionRoutes serves the policy-version operations (spec §2.7,
// §3.4).
func (s *Server) policyVersionRoutes() []route {
	const one = "/policies/{policyName}/version/{policyVersionId}"
	return []route{
		iotRoute("CreatePolicyVersion", "POST", "/policies/{policyName}/version", []string{"setAsDefault"}, s.createPolicyVersion),
		iotRoute("GetPolicyVersion", "GET", one, nil, s.getPolicyVersion),
		iotRoute("ListPolicyVersions", "GET", "/policies/{policyName}/version", nil, s.listPolicyVersions),
		iotRoute("SetDefaultPolicyVersion", "PATCH", one, nil, s.setDefaultPolicyVersion),
		iotRoute("DeletePolicyVersion", "DELETE", one, nil, s.deletePolicyVersion),
	}
}

type createPolicyVersionInput struct {
	PolicyDocument *string `json:"policyDocument"`
}

type createPolicyVersionOutput struct {
	PolicyArn        string `json:"policyArn"`
	PolicyDocument   string `json:"policyDocument"`
	PolicyVersionID  string `json:"policyVersionId"`
	IsDefaultVersion bool   `json:"isDefaultVersion"`
}

func (s *Server) createPolicyVersion(ctx context.Context, r *Request) (any, error) {
	var in createPolicyVersionInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "policyDocument is required")
	}
	def, err := r.QueryBool("setAsDefault", false)
	if err != nil {
		return nil, err
	}
	v, err := s.svc.Policies.CreatePolicyVersion(ctx, registry.CreatePolicyVersionInput{
		PolicyName: r.Label("policyName"), Document: *in.PolicyDocument, SetAsDefault: def})
	if err != nil {
		return nil, err
	}
	return createPolicyVersionOutput{PolicyArn: v.PolicyARN, PolicyDocument: v.Document,
		PolicyVersionID: v.VersionID, IsDefaultVersion: v.IsDefault}, nil
}

func policyVersionOf(r *Request) registry.PolicyVersionInput {
	return registry.PolicyVersionInput{PolicyName: r.Label("policyName"), VersionID: r.Label("policyVersionId")}
}

type getPolicyVersionOutput struct {
	PolicyArn        string `json:"policyArn"`
	PolicyName       string `json:"policyName"`
	PolicyDocument   string `json:"policyDocument"`
	PolicyVersionID  string `json:"policyVersionId"`
	IsDefaultVersion bool   `json:"isDefaultVersion"`
	CreationDate     *Time  `json:"creationDate,omitempty"`
	LastModifiedDate *Time  `json:"lastModifiedDate,omitempty"`
	GenerationID     string `json:"generationId"`
}

func (s *Server) getPolicyVersion(ctx context.Context, r *Request) (any, error) {
	v, err := s.svc.Policies.GetPolicyVersion(ctx, policyVersionOf(r))
	if err != nil {
		return nil, err
	}
	return getPolicyVersionOutput{PolicyArn: v.PolicyARN, PolicyName: v.PolicyName, PolicyDocument: v.Document,
		PolicyVersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreationDate: timePtr(v.Created),
		LastModifiedDate: timePtr(v.Modified), GenerationID: v.GenerationID}, nil
}

type policyVersionJSON struct {
	VersionID        string `json:"versionId"`
	IsDefaultVersion bool   `json:"isDefaultVersion"`
	CreateDate       *Time  `json:"createDate,omitempty"`
}

type listPolicyVersionsOutput struct {
	PolicyVersions []policyVersionJSON `json:"policyVersions"`
}

func (s *Server) listPolicyVersions(ctx context.Context, r *Request) (any, error) {
	vs, err := s.svc.Policies.ListPolicyVersions(ctx, r.Label("policyName"))
	if err != nil {
		return nil, err
	}
	out := listPolicyVersionsOutput{PolicyVersions: make([]policyVersionJSON, 0, len(vs))}
	for _, v := range vs {
		out.PolicyVersions = append(out.PolicyVersions,
			policyVersionJSON{VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: timePtr(v.Created)})
	}
	return out, nil
}

func (s *Server) setDefaultPolicyVersion(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Policies.SetDefaultPolicyVersion(ctx, policyVersionOf(r))
}

func (s *Server) deletePolicyVersion(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Policies.DeletePolicyVersion(ctx, policyVersionOf(r))
}
