package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

// authzFixture is a certificate attached to thing lamp1 with policy "own"
// (a thing may use its own topics) and "no-admin" (nobody publishes to
// admin topics), and an unattached policy "extra".
type authzFixture struct {
	c       *iot.Client
	certARN string
	arn     func(typ, name string) string
}

func newAuthzFixture(t *testing.T, srv *testutil.Server, c *iot.Client) authzFixture {
	ctx := context.Background()
	f := authzFixture{c: c, certARN: newCertARN(t, c), arn: func(typ, name string) string {
		return fmt.Sprintf("arn:aws:iot:%s:%s:%s/%s", srv.Region, srv.AccountID, typ, name)
	}}
	call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("lamp1")})).ok(t)
	call(c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("lamp1"), Principal: &f.certARN})).ok(t)
	own := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iot:Publish","Resource":"%s"},
		{"Effect":"Allow","Action":"iot:Connect","Resource":"%s","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`,
		f.arn("topic", "things/${iot:Connection.Thing.ThingName}/*"), f.arn("client", "${iot:Connection.Thing.ThingName}"))
	noAdmin := fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:Publish","Resource":"%s"}}`,
		f.arn("topic", "things/*/admin"))
	extra := fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Subscribe","Resource":"%s"}}`,
		f.arn("topicfilter", "extra/#"))
	for name, d := range map[string]string{"own": own, "no-admin": noAdmin, "extra": extra} {
		call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(d)})).ok(t)
	}
	for _, name := range []string{"own", "no-admin"} {
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String(name), Target: &f.certARN})).ok(t)
	}
	return f
}

// test runs TestAuthorization with one AuthInfo.
func (f authzFixture) test(t *testing.T, clientID string, action types.ActionType, resource string,
	add, skip []string) types.AuthResult {
	t.Helper()
	out := call(f.c.TestAuthorization(context.Background(), &iot.TestAuthorizationInput{
		Principal: &f.certARN, ClientId: aws.String(clientID), PolicyNamesToAdd: add, PolicyNamesToSkip: skip,
		AuthInfos: []types.AuthInfo{{ActionType: action, Resources: []string{resource}}},
	})).ok(t)
	if len(out.AuthResults) != 1 {
		t.Fatalf("%d results for one AuthInfo", len(out.AuthResults))
	}
	return out.AuthResults[0]
}

func names(ps []types.Policy) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, aws.ToString(p.PolicyName))
	}
	return out
}

func TestAuthorization_Decisions_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		f := newAuthzFixture(t, srv, c)
		tests := []struct {
			name                        string
			client                      string
			action                      types.ActionType
			resource                    string
			add, skip                   []string
			want                        types.AuthDecision
			allowed, explicit, implicit []string
			missing                     string // one of missingContextValues
		}{
			{name: "own thing topic", client: "lamp1", action: types.ActionTypePublish, resource: f.arn("topic", "things/lamp1/state"),
				want: types.AuthDecisionAllowed, allowed: []string{"own"}},
			{name: "connect as attached thing", client: "lamp1", action: types.ActionTypeConnect, resource: f.arn("client", "lamp1"),
				want: types.AuthDecisionAllowed, allowed: []string{"own"}},
			{name: "explicit deny wins", client: "lamp1", action: types.ActionTypePublish, resource: f.arn("topic", "things/lamp1/admin"),
				want: types.AuthDecisionExplicitDeny, explicit: []string{"no-admin"}},
			{name: "another thing's topic", client: "lamp1", action: types.ActionTypePublish, resource: f.arn("topic", "things/lamp2/state"),
				want: types.AuthDecisionImplicitDeny, implicit: []string{"no-admin", "own"}},
			{name: "client id of no attached thing", client: "lamp2", action: types.ActionTypePublish,
				resource: f.arn("topic", "things/lamp2/state"), want: types.AuthDecisionImplicitDeny,
				implicit: []string{"no-admin", "own"}, missing: "iot:Connection.Thing.ThingName"},
			{name: "not attached policy", client: "lamp1", action: types.ActionTypeSubscribe, resource: f.arn("topicfilter", "extra/#"),
				want: types.AuthDecisionImplicitDeny, implicit: []string{"no-admin", "own"}},
			{name: "policy to add", client: "lamp1", action: types.ActionTypeSubscribe, resource: f.arn("topicfilter", "extra/#"),
				add: []string{"extra"}, want: types.AuthDecisionAllowed, allowed: []string{"extra"}},
			{name: "policy to skip", client: "lamp1", action: types.ActionTypePublish, resource: f.arn("topic", "things/lamp1/admin"),
				skip: []string{"no-admin"}, want: types.AuthDecisionAllowed, allowed: []string{"own"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := f.test(t, tc.client, tc.action, tc.resource, tc.add, tc.skip)
				got := r.AuthDecision
				if got != tc.want || r.Allowed == nil || r.Denied == nil || r.Denied.ImplicitDeny == nil || r.Denied.ExplicitDeny == nil {
					t.Fatalf("decision %s (%+v), want %s with allowed and denied lists", got, r, tc.want)
				}
				if a, e, i := names(r.Allowed.Policies), names(r.Denied.ExplicitDeny.Policies), names(r.Denied.ImplicitDeny.Policies); !slices.Equal(a, orEmpty(tc.allowed)) ||
					!slices.Equal(e, orEmpty(tc.explicit)) || !slices.Equal(i, orEmpty(tc.implicit)) {
					t.Errorf("allowed %v explicit %v implicit %v, want %v %v %v", a, e, i, tc.allowed, tc.explicit, tc.implicit)
				}
				if tc.missing != "" && !slices.Contains(r.MissingContextValues, tc.missing) {
					t.Errorf("missingContextValues %v, want %s among them", r.MissingContextValues, tc.missing)
				}
				if r.AuthInfo == nil || r.AuthInfo.ActionType != tc.action || !slices.Equal(r.AuthInfo.Resources, []string{tc.resource}) {
					t.Errorf("authInfo %+v does not echo the question", r.AuthInfo)
				}
			})
		}
		t.Run("policy ARN", func(t *testing.T) {
			r := f.test(t, "lamp1", types.ActionTypePublish, f.arn("topic", "things/lamp1/x"), nil, nil)
			if got := aws.ToString(r.Allowed.Policies[0].PolicyArn); got != f.arn("policy", "own") {
				t.Errorf("policyArn %s, want %s", got, f.arn("policy", "own"))
			}
		})
	})
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestAuthorization_SeveralInfos_SDK: one result per AuthInfo, in order; an
// AuthInfo with several resources is allowed only if all are.
func TestAuthorization_SeveralInfos_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	f := newAuthzFixture(t, srv, c)
	out := call(c.TestAuthorization(context.Background(), &iot.TestAuthorizationInput{
		Principal: &f.certARN, ClientId: aws.String("lamp1"),
		AuthInfos: []types.AuthInfo{
			{ActionType: types.ActionTypePublish, Resources: []string{f.arn("topic", "things/lamp1/a"), f.arn("topic", "things/lamp1/b")}},
			{ActionType: types.ActionTypePublish, Resources: []string{f.arn("topic", "things/lamp1/a"), f.arn("topic", "other")}},
			{ActionType: types.ActionTypeReceive, Resources: []string{f.arn("topic", "things/lamp1/a")}},
		},
	})).ok(t)
	var got []types.AuthDecision
	for _, r := range out.AuthResults {
		got = append(got, r.AuthDecision)
	}
	want := []types.AuthDecision{types.AuthDecisionAllowed, types.AuthDecisionImplicitDeny, types.AuthDecisionImplicitDeny}
	if !slices.Equal(got, want) {
		t.Fatalf("decisions %v, want %v", got, want)
	}
}

func TestAuthorization_Errors_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	f := newAuthzFixture(t, srv, c)
	ctx := context.Background()
	info := []types.AuthInfo{{ActionType: types.ActionTypePublish, Resources: []string{f.arn("topic", "x")}}}
	unknown := f.arn("cert", strings.Repeat("ab", 32))
	runErrCases(t, []errCase{
		{"unknown certificate", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: &unknown, AuthInfos: info})
			return err
		}, "ResourceNotFoundException", 404},
		{"not a certificate ARN", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(f.arn("thing", "lamp1")), AuthInfos: info})
			return err
		}, "InvalidRequestException", 400},
		{"no principal", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{AuthInfos: info})
			return err
		}, "InvalidRequestException", 400},
		{"thing group", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(f.arn("thinggroup", "g")), AuthInfos: info})
			return err
		}, "ResourceNotFoundException", 404},
		{"missing policy to add", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: &f.certARN, AuthInfos: info,
				PolicyNamesToAdd: []string{"nope"}})
			return err
		}, "ResourceNotFoundException", 404},
		{"unknown action type", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: &f.certARN,
				AuthInfos: []types.AuthInfo{{ActionType: "RETAIN", Resources: []string{f.arn("topic", "x")}}}})
			return err
		}, "InvalidRequestException", 400},
		{"no resources", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: &f.certARN,
				AuthInfos: []types.AuthInfo{{ActionType: types.ActionTypePublish, Resources: []string{}}}})
			return err
		}, "InvalidRequestException", 400},
		{"cognito", func() error {
			_, err := c.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: &f.certARN, AuthInfos: info,
				CognitoIdentityPoolId: aws.String("us-east-1:1234")})
			return err
		}, "InvalidRequestException", 400},
	})
}

func TestAuthorization_CLI(t *testing.T) {
	srv := testutil.StartServer(t)
	f := newAuthzFixture(t, srv, srv.IoT(t))
	cli := awsCLI{t, srv}
	infos := fmt.Sprintf(`[{"actionType":"SUBSCRIBE","resources":[%q]},{"actionType":"PUBLISH","resources":[%q]}]`,
		f.arn("topicfilter", "extra/#"), f.arn("topic", "things/lamp1/admin"))
	out := cli.run("test-authorization", "--principal", f.certARN, "--client-id", "lamp1",
		"--auth-infos", infos, "--policy-names-to-add", "extra")
	if got := jsonString(out, "authResults", 0, "authDecision"); got != "ALLOWED" {
		t.Errorf("first decision %q, want ALLOWED\n%v", got, out)
	}
	if got := jsonString(out, "authResults", 0, "allowed", "policies", 0, "policyName"); got != "extra" {
		t.Errorf("allowed by %q, want extra", got)
	}
	if got := jsonString(out, "authResults", 1, "authDecision"); got != "EXPLICIT_DENY" {
		t.Errorf("second decision %q, want EXPLICIT_DENY", got)
	}
	if got := jsonString(out, "authResults", 1, "denied", "explicitDeny", "policies", 0, "policyName"); got != "no-admin" {
		t.Errorf("denied by %q, want no-admin", got)
	}
	cli.fail("ResourceNotFoundException", "test-authorization", "--principal", f.arn("cert", strings.Repeat("cd", 32)),
		"--auth-infos", infos)
}
