package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// PolicyService is the registry's policy, policy-version and policy
// attachment operations that the routes of policies.go,
// policyversions.go and policytargets.go call.
type PolicyService interface {
	CreatePolicy(ctx context.Context, in registry.CreatePolicyInput) (registry.Policy, error)
	GetPolicy(ctx context.Context, name string) (registry.Policy, error)
	ListPolicies(ctx context.Context, in registry.ListPoliciesInput) (registry.Page[registry.PolicySummary], error)
	DeletePolicy(ctx context.Context, name string) error

	CreatePolicyVersion(ctx context.Context, in registry.CreatePolicyVersionInput) (registry.PolicyVersion, error)
	GetPolicyVersion(ctx context.Context, in registry.PolicyVersionInput) (registry.PolicyVersion, error)
	ListPolicyVersions(ctx context.Context, policyName string) ([]registry.PolicyVersion, error)
	SetDefaultPolicyVersion(ctx context.Context, in registry.PolicyVersionInput) error
	DeletePolicyVersion(ctx context.Context, in registry.PolicyVersionInput) error

	AttachPolicy(ctx context.Context, in registry.PolicyTargetInput) error
	DetachPolicy(ctx context.Context, in registry.PolicyTargetInput) error
	DetachPrincipalPolicy(ctx context.Context, in registry.PolicyTargetInput) error
	ListAttachedPolicies(ctx context.Context, in registry.ListAttachedPoliciesInput) (registry.Page[registry.PolicySummary], error)
	ListTargetsForPolicy(ctx context.Context, in registry.ListTargetsForPolicyInput) (registry.Page[string], error)
	GetEffectivePolicies(ctx context.Context, in registry.GetEffectivePoliciesInput) ([]registry.NamedPolicy, error)
}

// policyRoutes serves the policy operations (spec §3.4), with the version
// routes of policyversions.go and the attachment routes of
// policytargets.go.
func (s *Server) policyRoutes() []route {
	rs := []route{
		iotRoute("CreatePolicy", "POST", "/policies/{policyName}", nil, s.createPolicy),
		iotRoute("GetPolicy", "GET", "/policies/{policyName}", nil, s.getPolicy),
		iotRoute("ListPolicies", "GET", "/policies", []string{"marker", "pageSize", "isAscendingOrder"}, s.listPolicies),
		iotRoute("DeletePolicy", "DELETE", "/policies/{policyName}", nil, s.deletePolicy),
	}
	rs = append(rs, s.policyVersionRoutes()...)
	return append(rs, s.policyTargetRoutes()...)
}

type policyTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type createPolicyInput struct {
	PolicyDocument *string     `json:"policyDocument"`
	Tags           []policyTag `json:"tags"`
}

type createPolicyOutput struct {
	PolicyName      string `json:"policyName"`
	PolicyArn       string `json:"policyArn"`
	PolicyDocument  string `json:"policyDocument"`
	PolicyVersionID string `json:"policyVersionId"`
}

func (s *Server) createPolicy(ctx context.Context, r *Request) (any, error) {
	var in createPolicyInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "policyDocument is required")
	}
	tags := make([]registry.Tag, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, registry.Tag{Key: t.Key, Value: t.Value})
	}
	p, err := s.svc.Policies.CreatePolicy(ctx, registry.CreatePolicyInput{Name: r.Label("policyName"),
		Document: *in.PolicyDocument, Tags: tags})
	if err != nil {
		return nil, err
	}
	return createPolicyOutput{PolicyName: p.Name, PolicyArn: p.ARN, PolicyDocument: p.Document,
		PolicyVersionID: p.DefaultVersionID}, nil
}

type getPolicyOutput struct {
	PolicyName       string `json:"policyName"`
	PolicyArn        string `json:"policyArn"`
	PolicyDocument   string `json:"policyDocument"`
	DefaultVersionID string `json:"defaultVersionId"`
	CreationDate     *Time  `json:"creationDate,omitempty"`
	LastModifiedDate *Time  `json:"lastModifiedDate,omitempty"`
	GenerationID     string `json:"generationId"`
}

func (s *Server) getPolicy(ctx context.Context, r *Request) (any, error) {
	p, err := s.svc.Policies.GetPolicy(ctx, r.Label("policyName"))
	if err != nil {
		return nil, err
	}
	return getPolicyOutput{PolicyName: p.Name, PolicyArn: p.ARN, PolicyDocument: p.Document,
		DefaultVersionID: p.DefaultVersionID, CreationDate: timePtr(p.Created),
		LastModifiedDate: timePtr(p.Modified), GenerationID: p.GenerationID}, nil
}

type policyJSON struct {
	PolicyName string `json:"policyName"`
	PolicyArn  string `json:"policyArn"`
}

type listPoliciesOutput struct {
	Policies   []policyJSON `json:"policies"`
	NextMarker string       `json:"nextMarker,omitempty"`
}

// policiesPage converts a page of policies to the listings' shape.
func policiesPage(page registry.Page[registry.PolicySummary]) listPoliciesOutput {
	out := listPoliciesOutput{Policies: make([]policyJSON, 0, len(page.Items)), NextMarker: page.Next}
	for _, p := range page.Items {
		out.Policies = append(out.Policies, policyJSON{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

func (s *Server) listPolicies(ctx context.Context, r *Request) (any, error) {
	q, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Policies.ListPolicies(ctx,
		registry.ListPoliciesInput{Marker: q.marker, PageSize: q.pageSize, Ascending: q.ascending})
	if err != nil {
		return nil, err
	}
	return policiesPage(page), nil
}

func (s *Server) deletePolicy(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Policies.DeletePolicy(ctx, r.Label("policyName"))
}
