package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

// newCertARN creates an active certificate and returns its ARN.
func newCertARN(t *testing.T, c *iot.Client) string {
	t.Helper()
	out := call(c.CreateKeysAndCertificate(context.Background(), &iot.CreateKeysAndCertificateInput{SetAsActive: true})).ok(t)
	return aws.ToString(out.CertificateArn)
}

func TestPrincipals_AttachListDetach_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		arn, arn2 := newCertARN(t, c), newCertARN(t, c)
		for _, n := range []string{"t1", "t2"} {
			call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(n)})).ok(t)
		}
		call(c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t1"), Principal: &arn})).ok(t)
		call(c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t2"), Principal: &arn})).ok(t)
		call(c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t1"), Principal: &arn2,
			ThingPrincipalType: types.ThingPrincipalTypeExclusiveThing})).ok(t)

		ps := call(c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("t1")})).ok(t)
		want := []string{arn, arn2}
		slices.Sort(want)
		if !slices.Equal(ps.Principals, want) {
			t.Errorf("ListThingPrincipals = %v, want %v", ps.Principals, want)
		}
		one := call(c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("t1"), MaxResults: aws.Int32(1)})).ok(t)
		rest := call(c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("t1"), NextToken: one.NextToken})).ok(t)
		if len(one.Principals) != 1 || one.NextToken == nil || !slices.Equal(append(one.Principals, rest.Principals...), want) || rest.NextToken != nil {
			t.Errorf("pages %v / %v", one.Principals, rest.Principals)
		}
		v2 := call(c.ListThingPrincipalsV2(ctx, &iot.ListThingPrincipalsV2Input{ThingName: aws.String("t1"),
			ThingPrincipalType: types.ThingPrincipalTypeExclusiveThing})).ok(t)
		if len(v2.ThingPrincipalObjects) != 1 || aws.ToString(v2.ThingPrincipalObjects[0].Principal) != arn2 ||
			v2.ThingPrincipalObjects[0].ThingPrincipalType != types.ThingPrincipalTypeExclusiveThing {
			t.Errorf("ListThingPrincipalsV2 = %+v", v2.ThingPrincipalObjects)
		}
		things := call(c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: &arn})).ok(t)
		if !slices.Equal(things.Things, []string{"t1", "t2"}) {
			t.Errorf("ListPrincipalThings = %v", things.Things)
		}
		tv2 := call(c.ListPrincipalThingsV2(ctx, &iot.ListPrincipalThingsV2Input{Principal: &arn})).ok(t)
		if len(tv2.PrincipalThingObjects) != 2 || tv2.PrincipalThingObjects[1].ThingPrincipalType != types.ThingPrincipalTypeNonExclusiveThing {
			t.Errorf("ListPrincipalThingsV2 = %+v", tv2.PrincipalThingObjects)
		}

		_, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t2"), Principal: &arn2})
		wantAPIErr(t, err, "InvalidRequestException", 400) // arn2 is attached exclusively to t1

		call(c.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String("t1"), Principal: &arn})).ok(t)
		things = call(c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: &arn})).ok(t)
		if !slices.Equal(things.Things, []string{"t2"}) {
			t.Errorf("after detach: %v", things.Things)
		}
	})
}

func TestPrincipals_Errors_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	arn := newCertARN(t, c)
	call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("t1")})).ok(t)
	unknown := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":cert/" + strings.Repeat("a", 64)
	cases := []errCase{
		{"attach to missing thing", func() error {
			_, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("nope"), Principal: &arn})
			return err
		}, "ResourceNotFoundException", 404},
		{"attach unknown certificate", func() error {
			_, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t1"), Principal: &unknown})
			return err
		}, "ResourceNotFoundException", 404},
		{"attach non-ARN", func() error {
			_, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("t1"), Principal: aws.String("me")})
			return err
		}, "InvalidRequestException", 400},
		{"detach not attached", func() error {
			_, err := c.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String("t1"), Principal: &arn})
			return err
		}, "ResourceNotFoundException", 404},
		{"list missing thing", func() error {
			_, err := c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", 404},
		{"list unknown principal", func() error {
			_, err := c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: &unknown})
			return err
		}, "ResourceNotFoundException", 404},
		{"list bad page size", func() error {
			_, err := c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("t1"), MaxResults: aws.Int32(251)})
			return err
		}, "InvalidRequestException", 400},
	}
	runErrCases(t, cases)
	if things := call(c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: &arn})).ok(t); len(things.Things) != 0 {
		t.Errorf("failed requests attached %v", things.Things)
	}
}
