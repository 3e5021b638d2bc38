package api

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// ThingService is the registry's thing, thing-type and tag operations that
// the routes of things.go, thingtypes.go and tags.go call.
type ThingService interface {
	CreateThing(ctx context.Context, in registry.CreateThingInput) (registry.Thing, error)
	DescribeThing(ctx context.Context, name string) (registry.Thing, error)
	ListThings(ctx context.Context, in registry.ListThingsInput) (registry.Page[registry.Thing], error)
	UpdateThing(ctx context.Context, in registry.UpdateThingInput) error
	DeleteThing(ctx context.Context, in registry.DeleteThingInput) error

	CreateThingType(ctx context.Context, in registry.CreateThingTypeInput) (registry.ThingType, error)
	DescribeThingType(ctx context.Context, name string) (registry.ThingType, error)
	ListThingTypes(ctx context.Context, in registry.ListThingTypesInput) (registry.Page[registry.ThingType], error)
	DeprecateThingType(ctx context.Context, name string, undo bool) error
	DeleteThingType(ctx context.Context, name string) error

	TagResource(ctx context.Context, arn string, tags []registry.Tag) error
	UntagResource(ctx context.Context, arn string, keys []string) error
	ListTagsForResource(ctx context.Context, in registry.ListTagsInput) (registry.Page[registry.Tag], error)
}

// thingRoutes serves the thing operations (spec §3.1), and with them the
// thing-type ones (thingtypes.go) and the tag ones (tags.go).
func (s *Server) thingRoutes() []route {
	routes := []route{
		iotRoute("CreateThing", "POST", "/things/{thingName}", nil, s.createThing),
		iotRoute("DescribeThing", "GET", "/things/{thingName}", nil, s.describeThing),
		iotRoute("ListThings", "GET", "/things", []string{"nextToken", "maxResults", "attributeName",
			"attributeValue", "thingTypeName", "usePrefixAttributeValue"}, s.listThings),
		iotRoute("UpdateThing", "PATCH", "/things/{thingName}", nil, s.updateThing),
		iotRoute("DeleteThing", "DELETE", "/things/{thingName}", []string{"expectedVersion"}, s.deleteThing),
	}
	routes = append(routes, s.thingTypeRoutes()...)
	return append(routes, s.tagRoutes()...)
}

// attributePayload is the AttributePayload shape.
type attributePayload struct {
	Attributes map[string]string `json:"attributes"`
	Merge      bool              `json:"merge"`
}

// attributes returns p's attributes, nil when p or its attributes are absent.
func (p *attributePayload) attributes() map[string]string {
	if p == nil {
		return nil
	}
	return p.Attributes
}

type createThingInput struct {
	ThingTypeName    string            `json:"thingTypeName"`
	AttributePayload *attributePayload `json:"attributePayload"`
	BillingGroupName string            `json:"billingGroupName"`
}

type createThingOutput struct {
	ThingName string `json:"thingName"`
	ThingArn  string `json:"thingArn"`
	ThingID   string `json:"thingId"`
}

func (s *Server) createThing(ctx context.Context, r *Request) (any, error) {
	var in createThingInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	th, err := s.svc.Things.CreateThing(ctx, registry.CreateThingInput{Name: r.Label("thingName"),
		TypeName: in.ThingTypeName, Attributes: in.AttributePayload.attributes(), BillingGroupName: in.BillingGroupName})
	if err != nil {
		return nil, err
	}
	return createThingOutput{ThingName: th.Name, ThingArn: th.ARN, ThingID: th.ID}, nil
}

type describeThingOutput struct {
	DefaultClientID  string            `json:"defaultClientId"`
	ThingName        string            `json:"thingName"`
	ThingID          string            `json:"thingId"`
	ThingArn         string            `json:"thingArn"`
	ThingTypeName    string            `json:"thingTypeName,omitempty"`
	Attributes       map[string]string `json:"attributes"`
	Version          int64             `json:"version"`
	BillingGroupName string            `json:"billingGroupName,omitempty"`
}

// describeThing answers with the thing; its default client id is its name
// (spec §3.1).
func (s *Server) describeThing(ctx context.Context, r *Request) (any, error) {
	th, err := s.svc.Things.DescribeThing(ctx, r.Label("thingName"))
	if err != nil {
		return nil, err
	}
	return describeThingOf(th), nil
}

// describeThingOf is DescribeThing's answer for th.
func describeThingOf(th registry.Thing) describeThingOutput {
	return describeThingOutput{DefaultClientID: th.Name, ThingName: th.Name, ThingID: th.ID, ThingArn: th.ARN,
		ThingTypeName: th.TypeName, Attributes: th.Attributes, Version: th.Version,
		BillingGroupName: th.BillingGroupName}
}

// DescribeThingJSON is DescribeThing's answer for th as JSON, for the
// places that show a thing as AWS does outside the API (the rules'
// get_registry_data).
func DescribeThingJSON(th registry.Thing) ([]byte, error) { return json.Marshal(describeThingOf(th)) }

// thingAttribute is the ThingAttribute shape, one item of ListThings.
type thingAttribute struct {
	ThingName     string            `json:"thingName"`
	ThingTypeName string            `json:"thingTypeName,omitempty"`
	ThingArn      string            `json:"thingArn"`
	Attributes    map[string]string `json:"attributes"`
	Version       int64             `json:"version"`
}

type listThingsOutput struct {
	Things    []thingAttribute `json:"things"`
	NextToken string           `json:"nextToken,omitempty"`
}

func (s *Server) listThings(ctx context.Context, r *Request) (any, error) {
	in, err := listThingsQuery(r)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Things.ListThings(ctx, in)
	if err != nil {
		return nil, err
	}
	out := listThingsOutput{Things: make([]thingAttribute, len(page.Items)), NextToken: page.Next}
	for i, th := range page.Items {
		out.Things[i] = thingAttribute{ThingName: th.Name, ThingTypeName: th.TypeName, ThingArn: th.ARN,
			Attributes: th.Attributes, Version: th.Version}
	}
	return out, nil
}

// listThingsQuery reads ListThings' query parameters.
func listThingsQuery(r *Request) (registry.ListThingsInput, error) {
	limit, err := r.QueryInt("maxResults", 0, 1, 250)
	if err != nil {
		return registry.ListThingsInput{}, err
	}
	prefix, err := r.QueryBool("usePrefixAttributeValue", false)
	if err != nil {
		return registry.ListThingsInput{}, err
	}
	return registry.ListThingsInput{NextToken: r.Query("nextToken"), MaxResults: limit,
		AttributeName: r.Query("attributeName"), AttributeValue: r.Query("attributeValue"),
		UsePrefixAttributeValue: prefix, TypeName: r.Query("thingTypeName")}, nil
}

type updateThingInput struct {
	ThingTypeName    string            `json:"thingTypeName"`
	AttributePayload *attributePayload `json:"attributePayload"`
	ExpectedVersion  *int64            `json:"expectedVersion"`
	RemoveThingType  bool              `json:"removeThingType"`
}

func (s *Server) updateThing(ctx context.Context, r *Request) (any, error) {
	var in updateThingInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	merge := in.AttributePayload != nil && in.AttributePayload.Merge
	return nil, s.svc.Things.UpdateThing(ctx, registry.UpdateThingInput{Name: r.Label("thingName"),
		TypeName: in.ThingTypeName, RemoveThingType: in.RemoveThingType,
		Attributes: in.AttributePayload.attributes(), Merge: merge, ExpectedVersion: in.ExpectedVersion})
}

func (s *Server) deleteThing(ctx context.Context, r *Request) (any, error) {
	expected, err := queryVersion(r, "expectedVersion")
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Things.DeleteThing(ctx, registry.DeleteThingInput{Name: r.Label("thingName"), ExpectedVersion: expected})
}

// queryVersion parses an optional long query parameter; absent gives nil.
func queryVersion(r *Request, name string) (*int64, error) {
	v := r.Query(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "query parameter %s must be an integer, got %q", name, v)
	}
	return &n, nil
}

var _ ThingService = (*registry.Registry)(nil)
