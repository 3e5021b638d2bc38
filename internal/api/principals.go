package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// principalHeader carries the principal of the thing↔principal operations
// (spec §3.0).
const principalHeader = "x-amzn-principal"

// principalRoutes serves the thing↔principal operations (spec §3.3).
func (s *Server) principalRoutes() []route {
	page := []string{"nextToken", "maxResults"}
	pageType := []string{"nextToken", "maxResults", "thingPrincipalType"}
	return []route{
		iotRoute("AttachThingPrincipal", "PUT", "/things/{thingName}/principals", []string{"thingPrincipalType"}, s.attachThingPrincipal),
		iotRoute("DetachThingPrincipal", "DELETE", "/things/{thingName}/principals", nil, s.detachThingPrincipal),
		iotRoute("ListThingPrincipals", "GET", "/things/{thingName}/principals", page, s.listThingPrincipals),
		iotRoute("ListThingPrincipalsV2", "GET", "/things/{thingName}/principals-v2", pageType, s.listThingPrincipalsV2),
		iotRoute("ListPrincipalThings", "GET", "/principals/things", page, s.listPrincipalThings),
		iotRoute("ListPrincipalThingsV2", "GET", "/principals/things-v2", pageType, s.listPrincipalThingsV2),
	}
}

// principalOf returns the required principal header.
func principalOf(r *Request) (string, error) {
	p := r.Header(principalHeader)
	if p == "" {
		return "", iot.Errorf(iot.InvalidRequestException, "header %s (the principal) is required", principalHeader)
	}
	return p, nil
}

// thingPrincipal reads the thing and principal of Attach/DetachThingPrincipal.
func thingPrincipal(r *Request) (registry.ThingPrincipalInput, error) {
	p, err := principalOf(r)
	return registry.ThingPrincipalInput{ThingName: r.Label("thingName"), Principal: p,
		Type: registry.ThingPrincipalType(r.Query("thingPrincipalType"))}, err
}

func (s *Server) attachThingPrincipal(ctx context.Context, r *Request) (any, error) {
	in, err := thingPrincipal(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Certificates.AttachThingPrincipal(ctx, in)
}

func (s *Server) detachThingPrincipal(ctx context.Context, r *Request) (any, error) {
	in, err := thingPrincipal(r)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Certificates.DetachThingPrincipal(ctx, in)
}

// tokenPage reads nextToken and maxResults (1 to 250).
func tokenPage(r *Request) (token string, max int, err error) {
	max, err = r.QueryInt("maxResults", 0, 1, 250)
	return r.Query("nextToken"), max, err
}

func (s *Server) thingPrincipals(ctx context.Context, r *Request) (registry.Page[registry.ThingPrincipal], error) {
	token, max, err := tokenPage(r)
	if err != nil {
		return registry.Page[registry.ThingPrincipal]{}, err
	}
	return s.svc.Certificates.ListThingPrincipals(ctx, registry.ListThingPrincipalsInput{ThingName: r.Label("thingName"),
		NextToken: token, MaxResults: max, Type: registry.ThingPrincipalType(r.Query("thingPrincipalType"))})
}

type listThingPrincipalsOutput struct {
	Principals []string `json:"principals"`
	NextToken  string   `json:"nextToken,omitempty"`
}

func (s *Server) listThingPrincipals(ctx context.Context, r *Request) (any, error) {
	page, err := s.thingPrincipals(ctx, r)
	if err != nil {
		return nil, err
	}
	out := listThingPrincipalsOutput{Principals: make([]string, 0, len(page.Items)), NextToken: page.Next}
	for _, p := range page.Items {
		out.Principals = append(out.Principals, p.Principal)
	}
	return out, nil
}

type thingPrincipalObject struct {
	Principal          string `json:"principal"`
	ThingPrincipalType string `json:"thingPrincipalType"`
}

type listThingPrincipalsV2Output struct {
	ThingPrincipalObjects []thingPrincipalObject `json:"thingPrincipalObjects"`
	NextToken             string                 `json:"nextToken,omitempty"`
}

func (s *Server) listThingPrincipalsV2(ctx context.Context, r *Request) (any, error) {
	page, err := s.thingPrincipals(ctx, r)
	if err != nil {
		return nil, err
	}
	out := listThingPrincipalsV2Output{ThingPrincipalObjects: make([]thingPrincipalObject, 0, len(page.Items)), NextToken: page.Next}
	for _, p := range page.Items {
		out.ThingPrincipalObjects = append(out.ThingPrincipalObjects, thingPrincipalObject{p.Principal, string(p.Type)})
	}
	return out, nil
}

func (s *Server) principalThings(ctx context.Context, r *Request) (registry.Page[registry.PrincipalThing], error) {
	p, err := principalOf(r)
	if err != nil {
		return registry.Page[registry.PrincipalThing]{}, err
	}
	token, max, err := tokenPage(r)
	if err != nil {
		return registry.Page[registry.PrincipalThing]{}, err
	}
	return s.svc.Certificates.ListPrincipalThings(ctx, registry.ListPrincipalThingsInput{Principal: p,
		NextToken: token, MaxResults: max, Type: registry.ThingPrincipalType(r.Query("thingPrincipalType"))})
}

type listPrincipalThingsOutput struct {
	Things    []string `json:"things"`
	NextToken string   `json:"nextToken,omitempty"`
}

func (s *Server) listPrincipalThings(ctx context.Context, r *Request) (any, error) {
	page, err := s.principalThings(ctx, r)
	if err != nil {
		return nil, err
	}
	out := listPrincipalThingsOutput{Things: make([]string, 0, len(page.Items)), NextToken: page.Next}
	for _, t := range page.Items {
		out.Things = append(out.Things, t.ThingName)
	}
	return out, nil
}

type principalThingObject struct {
	ThingName          string `json:"thingName"`
	ThingPrincipalType string `json:"thingPrincipalType"`
}

type listPrincipalThingsV2Output struct {
	PrincipalThingObjects []principalThingObject `json:"principalThingObjects"`
	NextToken             string                 `json:"nextToken,omitempty"`
}

func (s *Server) listPrincipalThingsV2(ctx context.Context, r *Request) (any, error) {
	page, err := s.principalThings(ctx, r)
	if err != nil {
		return nil, err
	}
	out := listPrincipalThingsV2Output{PrincipalThingObjects: make([]principalThingObject, 0, len(page.Items)), NextToken: page.Next}
	for _, t := range page.Items {
		out.PrincipalThingObjects = append(out.PrincipalThingObjects, principalThingObject{t.ThingName, string(t.Type)})
	}
	return out, nil
}
