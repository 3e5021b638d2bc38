package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

// tagString renders tags as "k=v k=v" for comparisons.
func thingTagString(tags []types.Tag) string {
	parts := make([]string, len(tags))
	for i, tg := range tags {
		parts[i] = aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value)
	}
	return strings.Join(parts, " ")
}

func listThingTags(t *testing.T, c *iot.Client, arn string) string {
	t.Helper()
	out := call(c.ListTagsForResource(context.Background(), &iot.ListTagsForResourceInput{ResourceArn: aws.String(arn)})).ok(t)
	if out.NextToken != nil {
		t.Errorf("ListTagsForResource gave a next token for %d tags", len(out.Tags))
	}
	return thingTagString(out.Tags)
}

func TestTags_ThingTypeAndPolicy_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		typeARN := aws.ToString(call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hw")}}})).ok(t).ThingTypeArn)
		policyARN := aws.ToString(call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p1"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`)})).ok(t).PolicyArn)
		if got := listThingTags(t, c, typeARN); got != "team=hw" {
			t.Errorf("tags from CreateThingType: %q", got)
		}
		for _, arn := range []string{typeARN, policyARN} {
			call(c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{
				{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("fw")},
				{Key: aws.String("novalue")}}})).ok(t)
			if got := listThingTags(t, c, arn); got != "env=prod novalue= team=fw" {
				t.Errorf("%s tags: %q", arn, got)
			}
			call(c.UntagResource(ctx, &iot.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env", "absent"}})).ok(t)
			if got := listThingTags(t, c, arn); got != "novalue= team=fw" {
				t.Errorf("%s tags after untag: %q", arn, got)
			}
		}
	})
}

func TestTags_Errors_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		typeARN := aws.ToString(call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t).ThingTypeArn)
		thingARN := aws.ToString(call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1")})).ok(t).ThingArn)
		fifty := make([]types.Tag, 50)
		for i := range fifty {
			fifty[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}
		}
		call(c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: aws.String(typeARN), Tags: fifty})).ok(t)
		tag := func(arn, key, value string) func() error {
			return func() error {
				_, err := c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: aws.String(arn),
					Tags: []types.Tag{{Key: aws.String(key), Value: aws.String(value)}}})
				return err
			}
		}
		missingARN := strings.Replace(typeARN, "/sensor", "/ghost", 1)
		cases := []errCase{
			{"a thing", tag(thingARN, "k", "v"), "InvalidRequestException", 400},
			{"a missing thing type", tag(missingARN, "k", "v"), "ResourceNotFoundException", 404},
			{"not an ARN", tag("sensor", "k", "v"), "InvalidRequestException", 400},
			{"the 51st tag", tag(typeARN, "one-more", "v"), "LimitExceededException", 410},
			{"a reserved key", tag(typeARN, "aws:k", "v"), "InvalidRequestException", 400},
			{"a long key", tag(typeARN, strings.Repeat("k", 129), "v"), "InvalidRequestException", 400},
			{"a long value", tag(typeARN, "k00", strings.Repeat("v", 257)), "InvalidRequestException", 400},
			{"untag a missing resource", func() error {
				_, err := c.UntagResource(ctx, &iot.UntagResourceInput{ResourceArn: aws.String(missingARN), TagKeys: []string{"k"}})
				return err
			}, "ResourceNotFoundException", 404},
			{"list tags of a thing", func() error {
				_, err := c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: aws.String(thingARN)})
				return err
			}, "InvalidRequestException", 400},
		}
		runErrCases(t, cases)
		out := call(c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: aws.String(typeARN)})).ok(t)
		if len(out.Tags) != 50 || aws.ToString(out.Tags[0].Value) != "v" {
			t.Errorf("failed requests changed the tags: %s", thingTagString(out.Tags))
		}
	})
}
