package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

func TestThings_CreateDescribe_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		attrs := map[string]string{"color": "red", "serial": "A-1"}
		created := call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1"),
			ThingTypeName: aws.String("sensor"), AttributePayload: &types.AttributePayload{Attributes: attrs}})).ok(t)
		wantARN := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":thing/dev1"
		if aws.ToString(created.ThingName) != "dev1" || aws.ToString(created.ThingArn) != wantARN || len(aws.ToString(created.ThingId)) != 36 {
			t.Errorf("CreateThing = %+v", created)
		}
		d := call(c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev1")})).ok(t)
		if aws.ToString(d.DefaultClientId) != "dev1" || aws.ToString(d.ThingId) != aws.ToString(created.ThingId) ||
			aws.ToString(d.ThingArn) != wantARN || aws.ToString(d.ThingTypeName) != "sensor" || d.Version != 1 ||
			!maps.Equal(d.Attributes, attrs) {
			t.Errorf("DescribeThing = %+v", d)
		}
		again := call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1"),
			ThingTypeName: aws.String("sensor"), AttributePayload: &types.AttributePayload{Attributes: attrs}})).ok(t)
		if aws.ToString(again.ThingId) != aws.ToString(created.ThingId) {
			t.Errorf("repeated CreateThing made a new thing: %+v", again)
		}
		_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1")})
		wantAPIErr(t, err, "ResourceAlreadyExistsException", 409)
		var exists *types.ResourceAlreadyExistsException
		if !errors.As(err, &exists) || aws.ToString(exists.ResourceArn) != wantARN {
			t.Errorf("ResourceAlreadyExistsException does not name the thing: %v", err)
		}
	})
}

func TestThings_Errors_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("retired")})).ok(t)
		call(c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("retired")})).ok(t)
		call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1")})).ok(t)
		four := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}
		cases := []errCase{
			{"describe missing", func() error {
				_, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("ghost")})
				return err
			}, "ResourceNotFoundException", 404},
			{"create with unknown type", func() error {
				_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"), ThingTypeName: aws.String("nope")})
				return err
			}, "ResourceNotFoundException", 404},
			{"create with deprecated type", func() error {
				_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"), ThingTypeName: aws.String("retired")})
				return err
			}, "InvalidRequestException", 400},
			{"create with 4 attributes and no type", func() error {
				_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"),
					AttributePayload: &types.AttributePayload{Attributes: four}})
				return err
			}, "InvalidRequestException", 400},
			{"create with a long name", func() error {
				_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(strings.Repeat("n", 129))})
				return err
			}, "InvalidRequestException", 400},
			{"create with a bad attribute value", func() error {
				_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"),
					AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": "no spaces"}}})
				return err
			}, "InvalidRequestException", 400},
			{"update missing", func() error {
				_, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("ghost")})
				return err
			}, "ResourceNotFoundException", 404},
			{"update with the wrong version", func() error {
				_, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev1"), ExpectedVersion: aws.Int64(5)})
				return err
			}, "VersionConflictException", 409},
			{"update with type and removeThingType", func() error {
				_, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev1"),
					ThingTypeName: aws.String("retired"), RemoveThingType: true})
				return err
			}, "InvalidRequestException", 400},
			{"update to a deprecated type", func() error {
				_, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev1"), ThingTypeName: aws.String("retired")})
				return err
			}, "InvalidRequestException", 400},
			{"delete with the wrong version", func() error {
				_, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev1"), ExpectedVersion: aws.Int64(9)})
				return err
			}, "VersionConflictException", 409},
			{"list with maxResults 251", func() error {
				_, err := c.ListThings(ctx, &iot.ListThingsInput{MaxResults: aws.Int32(251)})
				return err
			}, "InvalidRequestException", 400},
			{"list with a foreign token", func() error {
				_, err := c.ListThings(ctx, &iot.ListThingsInput{NextToken: aws.String("@@@")})
				return err
			}, "InvalidRequestException", 400},
		}
		runErrCases(t, cases)
		d := call(c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev1")})).ok(t)
		if d.Version != 1 || d.ThingTypeName != nil || len(d.Attributes) != 0 {
			t.Errorf("failed requests changed dev1: %+v", d)
		}
	})
}

func TestThings_UpdateDelete_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1"),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": "1", "b": "2"}}})).ok(t)
		steps := []struct {
			in        iot.UpdateThingInput
			wantType  string
			wantAttrs map[string]string
		}{
			{iot.UpdateThingInput{AttributePayload: &types.AttributePayload{Merge: true,
				Attributes: map[string]string{"b": "", "c": "3"}}}, "", map[string]string{"a": "1", "c": "3"}},
			{iot.UpdateThingInput{ExpectedVersion: aws.Int64(2), ThingTypeName: aws.String("sensor"),
				AttributePayload: &types.AttributePayload{Attributes: map[string]string{"z": "26"}}}, "sensor", map[string]string{"z": "26"}},
			{iot.UpdateThingInput{RemoveThingType: true}, "", map[string]string{"z": "26"}},
		}
		for i, st := range steps {
			st.in.ThingName = aws.String("dev1")
			call(c.UpdateThing(ctx, &st.in)).ok(t)
			d := call(c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev1")})).ok(t)
			if d.Version != int64(i+2) || aws.ToString(d.ThingTypeName) != st.wantType || !maps.Equal(d.Attributes, st.wantAttrs) {
				t.Errorf("after update %d: version %d type %q attributes %v", i+1, d.Version, aws.ToString(d.ThingTypeName), d.Attributes)
			}
		}
		call(c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev1"), ExpectedVersion: aws.Int64(4)})).ok(t)
		_, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev1")})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
		call(c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev1")})).ok(t)
	})
}

func TestThings_List_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		call(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")})).ok(t)
		for _, th := range []struct{ name, typ, color string }{
			{"a", "sensor", "red"}, {"b", "", "redish"}, {"c", "sensor", "blue"}, {"d", "", ""}, {"e", "", "red"},
		} {
			in := &iot.CreateThingInput{ThingName: aws.String(th.name)}
			if th.typ != "" {
				in.ThingTypeName = aws.String(th.typ)
			}
			if th.color != "" {
				in.AttributePayload = &types.AttributePayload{Attributes: map[string]string{"color": th.color}}
			}
			call(c.CreateThing(ctx, in)).ok(t)
		}
		cases := []struct {
			name string
			in   iot.ListThingsInput
			want string
		}{
			{"all in pages of 2", iot.ListThingsInput{MaxResults: aws.Int32(2)}, "a b c d e"},
			{"by type", iot.ListThingsInput{ThingTypeName: aws.String("sensor")}, "a c"},
			{"by attribute", iot.ListThingsInput{AttributeName: aws.String("color"), AttributeValue: aws.String("red")}, "a e"},
			{"by attribute prefix in pages of 1", iot.ListThingsInput{MaxResults: aws.Int32(1), AttributeName: aws.String("color"),
				AttributeValue: aws.String("red"), UsePrefixAttributeValue: true}, "a b e"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var names []string
				p := iot.NewListThingsPaginator(c, &tc.in)
				for p.HasMorePages() {
					page := call(p.NextPage(ctx)).ok(t)
					for _, th := range page.Things {
						names = append(names, aws.ToString(th.ThingName))
						if aws.ToString(th.ThingArn) == "" || th.Version != 1 {
							t.Errorf("listed thing %+v", th)
						}
					}
				}
				if got := strings.Join(names, " "); got != tc.want {
					t.Errorf("listed %q, want %q", got, tc.want)
				}
			})
		}
	})
}

// TestThings_Wire_Raw sends requests the SDK would refuse to send, and
// checks the wire shape of answers the SDK would hide.
func TestThings_Wire_Raw(t *testing.T) {
	srv := testutil.StartServer(t)
	send := func(method, path, body string) (int, string, string) {
		return signedRequest(t, srv, method, path, body, "iot", srv.AccessKeyID, srv.SecretAccessKey)
	}
	if status, _, body := send("POST", "/thing-types/sensor", `{"tags":[{"Key":"k"}]}`); status != 200 {
		t.Fatalf("CreateThingType: %d %s", status, body)
	}
	if status, _, body := send("POST", "/things/dev1", ""); status != 200 {
		t.Fatalf("CreateThing with no body: %d %s", status, body)
	}
	typeARN := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":thingtype/sensor"
	cases := []struct{ name, method, path, body string }{
		{"attribute value not a string", "POST", "/things/x", `{"attributePayload":{"attributes":{"a":1}}}`},
		{"unknown member", "POST", "/things/x", `{"thingTypeNam":"sensor"}`},
		{"malformed JSON", "PATCH", "/things/dev1", `{"removeThingType":`},
		{"expectedVersion not a number", "DELETE", "/things/dev1?expectedVersion=abc", ""},
		{"usePrefixAttributeValue not a boolean", "GET", "/things?usePrefixAttributeValue=yes", ""},
		{"unknown query parameter", "GET", "/things?color=red", ""},
		{"TagResource without tags", "POST", "/tags", `{"resourceArn":"` + typeARN + `"}`},
		{"TagResource without resourceArn", "POST", "/tags", `{"tags":[{"Key":"k","Value":"v"}]}`},
		{"TagResource with a tag without Key", "POST", "/tags", `{"resourceArn":"` + typeARN + `","tags":[{"Value":"v"}]}`},
		{"UntagResource without tagKeys", "POST", "/untag", `{"resourceArn":"` + typeARN + `"}`},
		{"ListTagsForResource without resourceArn", "GET", "/tags", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, typ, body := send(c.method, c.path, c.body)
			if status != 400 || typ != "InvalidRequestException" || !strings.Contains(body, `"message":"`) {
				t.Errorf("%s %s: %d %s %s", c.method, c.path, status, typ, body)
			}
		})
	}
	status, _, body := send("GET", "/thing-types/sensor", "")
	var d struct {
		ThingTypeMetadata map[string]any `json:"thingTypeMetadata"`
	}
	if err := json.Unmarshal([]byte(body), &d); status != 200 || err != nil {
		t.Fatalf("DescribeThingType: %d %s %v", status, body, err)
	}
	if _, ok := d.ThingTypeMetadata["creationDate"].(float64); !ok || d.ThingTypeMetadata["deprecated"] != false {
		t.Errorf("thingTypeMetadata %v: want creationDate as epoch seconds and deprecated false", d.ThingTypeMetadata)
	}
	if _, _, body := send("GET", "/tags?resourceArn="+url.QueryEscape(typeARN), ""); body != `{"tags":[{"Key":"k","Value":""}]}` {
		t.Errorf("ListTagsForResource body %s", body)
	}
	if _, _, body := send("GET", "/things?thingTypeName=sensor", ""); body != `{"things":[]}` {
		t.Errorf("empty ListThings body %s", body)
	}
}
