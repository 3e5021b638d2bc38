package api

import (
	"context"

	"github.com/hob-iot/hob/internal/auth"
)

// AuthorizationService evaluates devices' policies without a connection
// (TestAuthorization). *auth.Devices satisfies it.
type AuthorizationService interface {
	TestAuthorization(ctx context.Context, in auth.TestAuthorizationInput) ([]auth.AuthResult, error)
}

// authorizationRoutes serves TestAuthorization; the client id travels in
// the query (botocore model).
func (s *Server) authorizationRoutes() []route {
	return []route{
		iotRoute("TestAuthorization", "POST", "/test-authorization", []string{"clientId"}, s.testAuthorization),
	}
}

type authInfoJSON struct {
	ActionType string   `json:"actionType,omitempty"`
	Resources  []string `json:"resources"`
}

type testAuthorizationInput struct {
	Principal             string         `json:"principal"`
	CognitoIdentityPoolID string         `json:"cognitoIdentityPoolId"`
	AuthInfos             []authInfoJSON `json:"authInfos"`
	PolicyNamesToAdd      []string       `json:"policyNamesToAdd"`
	PolicyNamesToSkip     []string       `json:"policyNamesToSkip"`
}

type policiesJSON struct {
	Policies []policyJSON `json:"policies"`
}

type deniedJSON struct {
	ImplicitDeny policiesJSON `json:"implicitDeny"`
	ExplicitDeny policiesJSON `json:"explicitDeny"`
}

type authResultJSON struct {
	AuthInfo             authInfoJSON `json:"authInfo"`
	Allowed              policiesJSON `json:"allowed"`
	Denied               deniedJSON   `json:"denied"`
	AuthDecision         string       `json:"authDecision"`
	MissingContextValues []string     `json:"missingContextValues"`
}

type testAuthorizationOutput struct {
	AuthResults []authResultJSON `json:"authResults"`
}

// testAuthorization answers whether a certificate principal may perform
// each action on each resource, naming the policies that decided.
func (s *Server) testAuthorization(ctx context.Context, r *Request) (any, error) {
	var in testAuthorizationInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	infos := make([]auth.AuthInfo, len(in.AuthInfos))
	for i, a := range in.AuthInfos {
		infos[i] = auth.AuthInfo{ActionType: a.ActionType, Resources: a.Resources}
	}
	results, err := s.svc.Authorization.TestAuthorization(ctx, auth.TestAuthorizationInput{
		Principal: in.Principal, CognitoIdentityPoolID: in.CognitoIdentityPoolID, ClientID: r.Query("clientId"),
		AuthInfos: infos, PolicyNamesToAdd: in.PolicyNamesToAdd, PolicyNamesToSkip: in.PolicyNamesToSkip,
	})
	if err != nil {
		return nil, err
	}
	out := testAuthorizationOutput{AuthResults: make([]authResultJSON, len(results))}
	for i, res := range results {
		out.AuthResults[i] = authResultJSON{
			AuthInfo:             authInfoJSON{ActionType: res.AuthInfo.ActionType, Resources: res.AuthInfo.Resources},
			Allowed:              policiesOf(res.Allowed),
			Denied:               deniedJSON{ImplicitDeny: policiesOf(res.ImplicitDeny), ExplicitDeny: policiesOf(res.ExplicitDeny)},
			AuthDecision:         string(res.Decision),
			MissingContextValues: res.MissingContextValues,
		}
	}
	return out, nil
}

// policiesOf converts policy references to the {policyName, policyArn}
// shape.
func policiesOf(refs []auth.PolicyRef) policiesJSON {
	out := policiesJSON{Policies: make([]policyJSON, len(refs))}
	for i, p := range refs {
		out.Policies[i] = policyJSON{PolicyName: p.Name, PolicyArn: p.ARN}
	}
	return out
}

var _ AuthorizationService = (*auth.Devices)(nil)
