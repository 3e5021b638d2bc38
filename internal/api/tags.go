package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// tagRoutes serves the tag operations. Tags belong to thing types and
// policies; things and device certificates cannot be tagged, as in AWS.
func (s *Server) tagRoutes() []route {
	return []route{
		iotRoute("TagResource", "POST", "/tags", nil, s.tagResource),
		iotRoute("UntagResource", "POST", "/untag", nil, s.untagResource),
		iotRoute("ListTagsForResource", "GET", "/tags", []string{"resourceArn", "nextToken"}, s.listTagsForResource),
	}
}

// tag is the Tag shape; its members are PascalCase on the wire.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// domainTags converts wire tags to the registry's.
func domainTags(in []tag) []registry.Tag {
	out := make([]registry.Tag, len(in))
	for i, t := range in {
		out[i] = registry.Tag(t)
	}
	return out
}

type tagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []tag  `json:"tags"`
}

func (s *Server) tagResource(ctx context.Context, r *Request) (any, error) {
	var in tagResourceInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "tags is required")
	}
	return nil, s.svc.Things.TagResource(ctx, in.ResourceArn, domainTags(in.Tags))
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

func (s *Server) untagResource(ctx context.Context, r *Request) (any, error) {
	var in untagResourceInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "tagKeys is required")
	}
	return nil, s.svc.Things.UntagResource(ctx, in.ResourceArn, in.TagKeys)
}

type listTagsForResourceOutput struct {
	Tags      []tag  `json:"tags"`
	NextToken string `json:"nextToken,omitempty"`
}

func (s *Server) listTagsForResource(ctx context.Context, r *Request) (any, error) {
	page, err := s.svc.Things.ListTagsForResource(ctx, registry.ListTagsInput{
		ResourceARN: r.Query("resourceArn"), NextToken: r.Query("nextToken")})
	if err != nil {
		return nil, err
	}
	out := listTagsForResourceOutput{Tags: make([]tag, len(page.Items)), NextToken: page.Next}
	for i, t := range page.Items {
		out.Tags[i] = tag(t)
	}
	return out, nil
}
