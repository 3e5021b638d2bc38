package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

// policyDoc is a valid policy document allowing publishing on topic.
func policyDoc(topic string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:*:*:topic/%s"]}]}`, topic)
}

func TestPolicies_Lifecycle_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		name := aws.String("pub")
		arn := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":policy/pub"
		created := call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: name, PolicyDocument: aws.String(policyDoc("a")),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})).ok(t)
		if aws.ToString(created.PolicyArn) != arn || aws.ToString(created.PolicyVersionId) != "1" ||
			aws.ToString(created.PolicyDocument) != policyDoc("a") || aws.ToString(created.PolicyName) != "pub" {
			t.Fatalf("CreatePolicy = %+v", created)
		}
		tags := call(c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: &arn})).ok(t)
		if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
			t.Errorf("tags %+v", tags.Tags)
		}
		got := call(c.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: name})).ok(t)
		if aws.ToString(got.DefaultVersionId) != "1" || got.CreationDate == nil || time.Since(*got.CreationDate) > time.Minute ||
			got.LastModifiedDate == nil || aws.ToString(got.GenerationId) == "" || aws.ToString(got.PolicyDocument) != policyDoc("a") {
			t.Errorf("GetPolicy = %+v", got)
		}

		for i := 2; i <= 5; i++ {
			v := call(c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: name,
				PolicyDocument: aws.String(policyDoc(fmt.Sprint(i))), SetAsDefault: i == 3})).ok(t)
			if aws.ToString(v.PolicyVersionId) != fmt.Sprint(i) || v.IsDefaultVersion != (i == 3) || aws.ToString(v.PolicyArn) != arn {
				t.Errorf("CreatePolicyVersion %d = %+v", i, v)
			}
		}
		_, err := c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: name, PolicyDocument: aws.String(policyDoc("6"))})
		wantAPIErr(t, err, "VersionsLimitExceededException", 409)
		vs := call(c.ListPolicyVersions(ctx, &iot.ListPolicyVersionsInput{PolicyName: name})).ok(t).PolicyVersions
		if len(vs) != 5 || !vs[2].IsDefaultVersion || aws.ToString(vs[2].VersionId) != "3" || vs[0].CreateDate == nil {
			t.Errorf("ListPolicyVersions = %+v", vs)
		}
		v3 := call(c.GetPolicyVersion(ctx, &iot.GetPolicyVersionInput{PolicyName: name, PolicyVersionId: aws.String("3")})).ok(t)
		if !v3.IsDefaultVersion || aws.ToString(v3.PolicyDocument) != policyDoc("3") || aws.ToString(v3.PolicyName) != "pub" || v3.CreationDate == nil {
			t.Errorf("GetPolicyVersion = %+v", v3)
		}
		_, err = c.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: name, PolicyVersionId: aws.String("3")})
		wantAPIErr(t, err, "InvalidRequestException", 400)
		call(c.SetDefaultPolicyVersion(ctx, &iot.SetDefaultPolicyVersionInput{PolicyName: name, PolicyVersionId: aws.String("1")})).ok(t)
		_, err = c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: name})
		wantAPIErr(t, err, "DeleteConflictException", 409)
		for _, v := range []string{"2", "3", "4", "5"} {
			call(c.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: name, PolicyVersionId: &v})).ok(t)
		}
		v6 := call(c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: name, PolicyDocument: aws.String(policyDoc("6"))})).ok(t)
		if aws.ToString(v6.PolicyVersionId) != "6" {
			t.Errorf("version ids are reused: got %s", aws.ToString(v6.PolicyVersionId))
		}
		call(c.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: name, PolicyVersionId: aws.String("6")})).ok(t)
		call(c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: name})).ok(t)
		_, err = c.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: name})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
	})
}

func TestPolicies_List_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	names := []string{"c", "a", "b"}
	for _, n := range names {
		call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(n), PolicyDocument: aws.String(policyDoc(n))})).ok(t)
		time.Sleep(5 * time.Millisecond)
	}
	var got []string
	p := iot.NewListPoliciesPaginator(c, &iot.ListPoliciesInput{PageSize: aws.Int32(2), AscendingOrder: true})
	for p.HasMorePages() {
		for _, pol := range call(p.NextPage(ctx)).ok(t).Policies {
			got = append(got, aws.ToString(pol.PolicyName))
		}
	}
	if !slices.Equal(got, names) {
		t.Errorf("ascending ListPolicies = %v, want creation order %v", got, names)
	}
	newest := call(c.ListPolicies(ctx, &iot.ListPoliciesInput{PageSize: aws.Int32(1)})).ok(t)
	if len(newest.Policies) != 1 || aws.ToString(newest.Policies[0].PolicyName) != "b" || newest.NextMarker == nil {
		t.Errorf("default order page = %+v", newest)
	}
}

func TestPolicies_Attachments_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		cert, other := newCertARN(t, c), newCertARN(t, c)
		for _, n := range []string{"p1", "p2"} {
			call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(n), PolicyDocument: aws.String(policyDoc(n))})).ok(t)
		}
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p1"), Target: &cert})).ok(t)
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p1"), Target: &cert})).ok(t) // again: no-op
		call(c.AttachPrincipalPolicy(ctx, &iot.AttachPrincipalPolicyInput{PolicyName: aws.String("p2"), Principal: &cert})).ok(t)
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p1"), Target: &other})).ok(t)

		attached := call(c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: &cert})).ok(t)
		if len(attached.Policies) != 2 || aws.ToString(attached.Policies[0].PolicyName) != "p1" ||
			!strings.HasSuffix(aws.ToString(attached.Policies[1].PolicyArn), ":policy/p2") {
			t.Errorf("ListAttachedPolicies = %+v", attached.Policies)
		}
		byPrincipal := call(c.ListPrincipalPolicies(ctx, &iot.ListPrincipalPoliciesInput{Principal: &cert, PageSize: aws.Int32(1)})).ok(t)
		if len(byPrincipal.Policies) != 1 || byPrincipal.NextMarker == nil {
			t.Errorf("ListPrincipalPolicies page = %+v", byPrincipal)
		}
		targets := call(c.ListTargetsForPolicy(ctx, &iot.ListTargetsForPolicyInput{PolicyName: aws.String("p1")})).ok(t)
		want := []string{cert, other}
		slices.Sort(want)
		if !slices.Equal(targets.Targets, want) {
			t.Errorf("ListTargetsForPolicy = %v, want %v", targets.Targets, want)
		}
		principals := call(c.ListPolicyPrincipals(ctx, &iot.ListPolicyPrincipalsInput{PolicyName: aws.String("p2")})).ok(t)
		if !slices.Equal(principals.Principals, []string{cert}) {
			t.Errorf("ListPolicyPrincipals = %v", principals.Principals)
		}
		eff := call(c.GetEffectivePolicies(ctx, &iot.GetEffectivePoliciesInput{Principal: &cert})).ok(t)
		if len(eff.EffectivePolicies) != 2 || aws.ToString(eff.EffectivePolicies[1].PolicyDocument) != policyDoc("p2") {
			t.Errorf("GetEffectivePolicies = %+v", eff.EffectivePolicies)
		}

		call(c.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String("p1"), Target: &cert})).ok(t)
		call(c.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String("p1"), Target: &cert})).ok(t) // idempotent
		call(c.DetachPrincipalPolicy(ctx, &iot.DetachPrincipalPolicyInput{PolicyName: aws.String("p2"), Principal: &cert})).ok(t)
		_, err := c.DetachPrincipalPolicy(ctx, &iot.DetachPrincipalPolicyInput{PolicyName: aws.String("p2"), Principal: &cert})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
		attached = call(c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: &cert})).ok(t)
		if len(attached.Policies) != 0 {
			t.Errorf("after detaching: %+v", attached.Policies)
		}
	})
}

func TestPolicies_Errors_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	cert := newCertARN(t, c)
	call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDoc("x"))})).ok(t)
	for i := range 10 {
		n := aws.String(fmt.Sprintf("q%d", i))
		call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: n, PolicyDocument: aws.String(policyDoc("x"))})).ok(t)
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: n, Target: &cert})).ok(t)
	}
	group := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":thinggroup/g"
	cases := []errCase{
		{"create exists", func() error {
			_, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDoc("x"))})
			return err
		}, "ResourceAlreadyExistsException", 409},
		{"create malformed", func() error {
			_, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("m"), PolicyDocument: aws.String(`{"Statement":5}`)})
			return err
		}, "MalformedPolicyException", 400},
		{"create bad name", func() error {
			_, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("a:b"), PolicyDocument: aws.String(policyDoc("x"))})
			return err
		}, "InvalidRequestException", 400},
		{"version of missing policy", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: aws.String("nope"), PolicyDocument: aws.String(policyDoc("x"))})
			return err
		}, "ResourceNotFoundException", 404},
		{"missing version", func() error {
			_, err := c.GetPolicyVersion(ctx, &iot.GetPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("7")})
			return err
		}, "ResourceNotFoundException", 404},
		{"set missing version", func() error {
			_, err := c.SetDefaultPolicyVersion(ctx, &iot.SetDefaultPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("7")})
			return err
		}, "ResourceNotFoundException", 404},
		{"eleventh policy", func() error {
			// The SDK retries LimitExceededException as throttling; once is enough here.
			_, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p"), Target: &cert},
				func(o *iot.Options) { o.RetryMaxAttempts = 1 })
			return err
		}, "LimitExceededException", 410},
		{"attach missing policy", func() error {
			_, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("nope"), Target: &cert})
			return err
		}, "ResourceNotFoundException", 404},
		{"attach to thing group", func() error {
			_, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p"), Target: &group})
			return err
		}, "ResourceNotFoundException", 404},
		{"attach to junk", func() error {
			_, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p"), Target: aws.String("junk")})
			return err
		}, "InvalidRequestException", 400},
		{"targets of missing policy", func() error {
			_, err := c.ListTargetsForPolicy(ctx, &iot.ListTargetsForPolicyInput{PolicyName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", 404},
		{"policies of unknown certificate", func() error {
			_, err := c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: aws.String(cert[:strings.LastIndex(cert, "/")+1] + strings.Repeat("f", 64))})
			return err
		}, "ResourceNotFoundException", 404},
		{"list policies bad page size", func() error {
			_, err := c.ListPolicies(ctx, &iot.ListPoliciesInput{PageSize: aws.Int32(0)})
			return err
		}, "InvalidRequestException", 400},
	}
	runErrCases(t, cases)
}
