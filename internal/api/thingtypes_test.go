package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

func TestThingTypes_Lifecycle_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		props := &types.ThingTypeProperties{
			ThingTypeDescription: aws.String("indoor sensors"),
			SearchableAttributes: []string{"model"},
			Mqtt5Configuration: &types.Mqtt5Configuration{PropagatingAttributes: []types.PropagatingAttribute{
				{UserPropertyKey: aws.String("model"), ThingAttribute: aws.String("model")},
				{UserPropertyKey: aws.String("cid"), ConnectionAttribute: aws.String("iot:ClientId")},
			}},
		}
		before := time.Now().Add(-time.Second)
		created := call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor"),
			ThingTypeProperties: props, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hw")}}})).ok(t)
		wantARN := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":thingtype/sensor"
		if aws.ToString(created.ThingTypeArn) != wantARN || len(aws.ToString(created.ThingTypeId)) != 36 {
			t.Errorf("CreateThingType = %+v", created)
		}
		d := call(c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		p, m := d.ThingTypeProperties, d.ThingTypeMetadata
		if aws.ToString(d.ThingTypeId) != aws.ToString(created.ThingTypeId) || p == nil || m == nil ||
			aws.ToString(p.ThingTypeDescription) != "indoor sensors" || !slices.Equal(p.SearchableAttributes, []string{"model"}) ||
			p.Mqtt5Configuration == nil || len(p.Mqtt5Configuration.PropagatingAttributes) != 2 ||
			aws.ToString(p.Mqtt5Configuration.PropagatingAttributes[1].ConnectionAttribute) != "iot:ClientId" {
			t.Fatalf("DescribeThingType = %+v", d)
		}
		if m.Deprecated || m.DeprecationDate != nil || m.CreationDate == nil ||
			m.CreationDate.Before(before) || m.CreationDate.After(time.Now().Add(time.Second)) {
			t.Errorf("metadata = %+v", m)
		}

		call(c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		m = call(c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t).ThingTypeMetadata
		if !m.Deprecated || m.DeprecationDate == nil || m.DeprecationDate.Before(*m.CreationDate) {
			t.Errorf("deprecated metadata = %+v", m)
		}
		call(c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor"), UndoDeprecate: true})).ok(t)
		m = call(c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t).ThingTypeMetadata
		if m.Deprecated || m.DeprecationDate != nil {
			t.Errorf("undeprecated metadata = %+v", m)
		}

		call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1"), ThingTypeName: aws.String("sensor")})).ok(t)
		call(c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		_, err := c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("sensor")})
		wantAPIErr(t, err, "InvalidRequestException", 400) // dev1 still has it
		call(c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev1"), RemoveThingType: true})).ok(t)
		call(c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		_, err = c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("sensor")})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
		_, err = c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: aws.String(wantARN)})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
	})
}

func TestThingTypes_List_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		for _, n := range []string{"meter", "sensor-a", "sensor-b", "valve"} {
			call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String(n)})).ok(t)
		}
		for _, tc := range []struct {
			in   iot.ListThingTypesInput
			want string
		}{
			{iot.ListThingTypesInput{MaxResults: aws.Int32(3)}, "meter sensor-a sensor-b valve"},
			{iot.ListThingTypesInput{MaxResults: aws.Int32(1), ThingTypeName: aws.String("sensor")}, "sensor-a sensor-b"},
		} {
			var names []string
			p := iot.NewListThingTypesPaginator(c, &tc.in)
			for p.HasMorePages() {
				for _, tt := range call(p.NextPage(ctx)).ok(t).ThingTypes {
					names = append(names, aws.ToString(tt.ThingTypeName))
					if tt.ThingTypeMetadata == nil || tt.ThingTypeMetadata.CreationDate == nil || aws.ToString(tt.ThingTypeArn) == "" {
						t.Errorf("listed %+v", tt)
					}
				}
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Errorf("%+v: listed %q, want %q", tc.in, got, tc.want)
			}
		}
	})
}

func TestThingTypes_Errors_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("active"),
			ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("d")}})).ok(t)
		cases := []errCase{
			{"create with other properties", func() error {
				_, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("active")})
				return err
			}, "ResourceAlreadyExistsException", 409},
			{"create with 4 searchable attributes", func() error {
				_, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("x"),
					ThingTypeProperties: &types.ThingTypeProperties{SearchableAttributes: []string{"a", "b", "c", "d"}}})
				return err
			}, "InvalidRequestException", 400},
			{"create with a long description", func() error {
				_, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("x"),
					ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String(strings.Repeat("d", 2029))}})
				return err
			}, "InvalidRequestException", 400},
			{"create with a reserved tag", func() error {
				_, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("x"),
					Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
				return err
			}, "InvalidRequestException", 400},
			{"describe missing", func() error {
				_, err := c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("ghost")})
				return err
			}, "ResourceNotFoundException", 404},
			{"deprecate missing", func() error {
				_, err := c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("ghost")})
				return err
			}, "ResourceNotFoundException", 404},
			{"delete missing", func() error {
				_, err := c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("ghost")})
				return err
			}, "ResourceNotFoundException", 404},
			{"delete not deprecated", func() error {
				_, err := c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("active")})
				return err
			}, "InvalidRequestException", 400},
			{"list with maxResults 0", func() error {
				_, err := c.ListThingTypes(ctx, &iot.ListThingTypesInput{MaxResults: aws.Int32(0)})
				return err
			}, "InvalidRequestException", 400},
		}
		runErrCases(t, cases)
		// The failed creates created nothing.
		out := call(c.ListThingTypes(ctx, &iot.ListThingTypesInput{})).ok(t)
		if len(out.ThingTypes) != 1 || aws.ToString(out.ThingTypes[0].ThingTypeName) != "active" {
			t.Errorf("thing types after failed requests: %+v", out.ThingTypes)
		}
	})
}
