package api

import (
	"context"

	"github.com/hob-iot/hob/internal/registry"
)

// thingTypeRoutes serves the thing-type operations (spec §3.1).
func (s *Server) thingTypeRoutes() []route {
	return []route{
		iotRoute("CreateThingType", "POST", "/thing-types/{thingTypeName}", nil, s.createThingType),
		iotRoute("DescribeThingType", "GET", "/thing-types/{thingTypeName}", nil, s.describeThingType),
		iotRoute("ListThingTypes", "GET", "/thing-types", []string{"nextToken", "maxResults", "thingTypeName"}, s.listThingTypes),
		iotRoute("DeprecateThingType", "POST", "/thing-types/{thingTypeName}/deprecate", nil, s.deprecateThingType),
		iotRoute("DeleteThingType", "DELETE", "/thing-types/{thingTypeName}", nil, s.deleteThingType),
	}
}

// thingTypeProperties is the ThingTypeProperties shape.
type thingTypeProperties struct {
	ThingTypeDescription string              `json:"thingTypeDescription,omitempty"`
	SearchableAttributes []string            `json:"searchableAttributes,omitempty"`
	Mqtt5Configuration   *mqtt5Configuration `json:"mqtt5Configuration,omitempty"`
}

// mqtt5Configuration is the Mqtt5Configuration shape.
type mqtt5Configuration struct {
	PropagatingAttributes []propagatingAttribute `json:"propagatingAttributes,omitempty"`
}

// propagatingAttribute is the PropagatingAttribute shape.
type propagatingAttribute struct {
	UserPropertyKey     string `json:"userPropertyKey,omitempty"`
	ThingAttribute      string `json:"thingAttribute,omitempty"`
	ConnectionAttribute string `json:"connectionAttribute,omitempty"`
}

// domain converts the wire properties to the registry's.
func (p *thingTypeProperties) domain() registry.ThingTypeProperties {
	if p == nil {
		return registry.ThingTypeProperties{}
	}
	out := registry.ThingTypeProperties{Description: p.ThingTypeDescription, SearchableAttributes: p.SearchableAttributes}
	if p.Mqtt5Configuration != nil {
		for _, pa := range p.Mqtt5Configuration.PropagatingAttributes {
			out.PropagatingAttributes = append(out.PropagatingAttributes, registry.PropagatingAttribute(pa))
		}
	}
	return out
}

// wireThingTypeProperties converts the registry's properties to the wire shape.
func wireThingTypeProperties(p registry.ThingTypeProperties) thingTypeProperties {
	out := thingTypeProperties{ThingTypeDescription: p.Description, SearchableAttributes: p.SearchableAttributes}
	if len(p.PropagatingAttributes) > 0 {
		out.Mqtt5Configuration = &mqtt5Configuration{}
		for _, pa := range p.PropagatingAttributes {
			out.Mqtt5Configuration.PropagatingAttributes = append(out.Mqtt5Configuration.PropagatingAttributes, propagatingAttribute(pa))
		}
	}
	return out
}

type createThingTypeInput struct {
	ThingTypeProperties *thingTypeProperties `json:"thingTypeProperties"`
	Tags                []tag                `json:"tags"`
}

type createThingTypeOutput struct {
	ThingTypeName string `json:"thingTypeName"`
	ThingTypeArn  string `json:"thingTypeArn"`
	ThingTypeID   string `json:"thingTypeId"`
}

func (s *Server) createThingType(ctx context.Context, r *Request) (any, error) {
	var in createThingTypeInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	tt, err := s.svc.Things.CreateThingType(ctx, registry.CreateThingTypeInput{Name: r.Label("thingTypeName"),
		Properties: in.ThingTypeProperties.domain(), Tags: domainTags(in.Tags)})
	if err != nil {
		return nil, err
	}
	return createThingTypeOutput{ThingTypeName: tt.Name, ThingTypeArn: tt.ARN, ThingTypeID: tt.ID}, nil
}

// thingTypeMetadata is the ThingTypeMetadata shape.
type thingTypeMetadata struct {
	Deprecated      bool  `json:"deprecated"`
	DeprecationDate *Time `json:"deprecationDate,omitempty"`
	CreationDate    *Time `json:"creationDate,omitempty"`
}

// thingTypeDefinition is the ThingTypeDefinition shape of ListThingTypes,
// and with the id, DescribeThingType's answer.
type thingTypeDefinition struct {
	ThingTypeName       string              `json:"thingTypeName"`
	ThingTypeID         string              `json:"thingTypeId,omitempty"`
	ThingTypeArn        string              `json:"thingTypeArn"`
	ThingTypeProperties thingTypeProperties `json:"thingTypeProperties"`
	ThingTypeMetadata   thingTypeMetadata   `json:"thingTypeMetadata"`
}

// wireThingType converts a thing type; withID adds the id, which only
// DescribeThingType's shape has.
func wireThingType(tt registry.ThingType, withID bool) thingTypeDefinition {
	out := thingTypeDefinition{ThingTypeName: tt.Name, ThingTypeArn: tt.ARN,
		ThingTypeProperties: wireThingTypeProperties(tt.Properties),
		ThingTypeMetadata: thingTypeMetadata{Deprecated: tt.Deprecated,
			DeprecationDate: timePtr(tt.DeprecationDate), CreationDate: timePtr(tt.CreationDate)}}
	if withID {
		out.ThingTypeID = tt.ID
	}
	return out
}

func (s *Server) describeThingType(ctx context.Context, r *Request) (any, error) {
	tt, err := s.svc.Things.DescribeThingType(ctx, r.Label("thingTypeName"))
	if err != nil {
		return nil, err
	}
	return wireThingType(tt, true), nil
}

type listThingTypesOutput struct {
	ThingTypes []thingTypeDefinition `json:"thingTypes"`
	NextToken  string                `json:"nextToken,omitempty"`
}

func (s *Server) listThingTypes(ctx context.Context, r *Request) (any, error) {
	limit, err := r.QueryInt("maxResults", 0, 1, 250)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Things.ListThingTypes(ctx, registry.ListThingTypesInput{NextToken: r.Query("nextToken"),
		MaxResults: limit, TypeName: r.Query("thingTypeName")})
	if err != nil {
		return nil, err
	}
	out := listThingTypesOutput{ThingTypes: make([]thingTypeDefinition, len(page.Items)), NextToken: page.Next}
	for i, tt := range page.Items {
		out.ThingTypes[i] = wireThingType(tt, false)
	}
	return out, nil
}

type deprecateThingTypeInput struct {
	UndoDeprecate bool `json:"undoDeprecate"`
}

func (s *Server) deprecateThingType(ctx context.Context, r *Request) (any, error) {
	var in deprecateThingTypeInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.Things.DeprecateThingType(ctx, r.Label("thingTypeName"), in.UndoDeprecate)
}

func (s *Server) deleteThingType(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Things.DeleteThingType(ctx, r.Label("thingTypeName"))
}
