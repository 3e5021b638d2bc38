package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// TopicRuleDestinationService is what the routes of destinations.go call:
// the registry's topic rule destinations, and the sending of confirmation
// messages (rules-engine spec §1.2, §10).
type TopicRuleDestinationService interface {
	CreateTopicRuleDestination(ctx context.Context, confirmationURL string) (registry.TopicRuleDestination, error)
	GetTopicRuleDestination(ctx context.Context, arn string) (registry.TopicRuleDestination, error)
	ListTopicRuleDestinations(ctx context.Context, in registry.ListTopicRuleDestinationsInput) (registry.Page[registry.TopicRuleDestination], error)
	UpdateTopicRuleDestination(ctx context.Context, arn string, status registry.DestinationStatus) (registry.TopicRuleDestination, error)
	DeleteTopicRuleDestination(ctx context.Context, arn string) error
	ConfirmTopicRuleDestination(ctx context.Context, token string) error
	// SendConfirmation starts sending d's confirmation message to its
	// confirmationUrl and returns without waiting for it. A failed send
	// puts the destination in ERROR, with the reason as statusReason.
	SendConfirmation(d registry.TopicRuleDestination)
}

// destinationRoutes serves the topic rule destination operations.
func (s *Server) destinationRoutes() []route {
	return []route{
		iotRoute("CreateTopicRuleDestination", "POST", "/destinations", nil, s.createTopicRuleDestination),
		iotRoute("GetTopicRuleDestination", "GET", "/destinations/{arn+}", nil, s.getTopicRuleDestination),
		iotRoute("ListTopicRuleDestinations", "GET", "/destinations", []string{"maxResults", "nextToken"}, s.listTopicRuleDestinations),
		iotRoute("UpdateTopicRuleDestination", "PATCH", "/destinations", nil, s.updateTopicRuleDestination),
		iotRoute("DeleteTopicRuleDestination", "DELETE", "/destinations/{arn+}", nil, s.deleteTopicRuleDestination),
		iotRoute("ConfirmTopicRuleDestination", "GET", "/confirmdestination/{confirmationToken+}", nil, s.confirmTopicRuleDestination),
	}
}

// createTopicRuleDestinationInput is CreateTopicRuleDestinationRequest.
type createTopicRuleDestinationInput struct {
	DestinationConfiguration *struct {
		HTTPURLConfiguration *struct {
			ConfirmationURL *string `json:"confirmationUrl"`
		} `json:"httpUrlConfiguration"`
		VPCConfiguration any `json:"vpcConfiguration"`
	} `json:"destinationConfiguration"`
}

// createTopicRuleDestination serves CreateTopicRuleDestination for HTTP
// destinations, then sends the confirmation message. hob has no VPCs, so
// a vpcConfiguration is an InvalidRequestException.
func (s *Server) createTopicRuleDestination(ctx context.Context, r *Request) (any, error) {
	var in createTopicRuleDestinationInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	c := in.DestinationConfiguration
	switch {
	case c == nil:
		return nil, notNull("destinationConfiguration")
	case c.VPCConfiguration != nil:
		return nil, iot.Errorf(iot.InvalidRequestException, "hob supports HTTP topic rule destinations only, not VPC destinations")
	case c.HTTPURLConfiguration == nil:
		return nil, iot.Errorf(iot.InvalidRequestException, "destinationConfiguration must have an httpUrlConfiguration")
	case c.HTTPURLConfiguration.ConfirmationURL == nil:
		return nil, notNull("destinationConfiguration.httpUrlConfiguration.confirmationUrl")
	}
	d, err := s.svc.Destinations.CreateTopicRuleDestination(ctx, *c.HTTPURLConfiguration.ConfirmationURL)
	if err != nil {
		return nil, err
	}
	s.svc.Destinations.SendConfirmation(d)
	return destinationOutput{destinationJSONOf(d)}, nil
}

func (s *Server) getTopicRuleDestination(ctx context.Context, r *Request) (any, error) {
	d, err := s.svc.Destinations.GetTopicRuleDestination(ctx, r.Label("arn"))
	if err != nil {
		return nil, err
	}
	return destinationOutput{destinationJSONOf(d)}, nil
}

// updateTopicRuleDestinationInput is UpdateTopicRuleDestinationRequest.
type updateTopicRuleDestinationInput struct {
	ARN    *string `json:"arn"`
	Status *string `json:"status"`
}

// updateTopicRuleDestination serves UpdateTopicRuleDestination; an update
// to IN_PROGRESS sends a new confirmation message, as AWS does.
func (s *Server) updateTopicRuleDestination(ctx context.Context, r *Request) (any, error) {
	var in updateTopicRuleDestinationInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.ARN == nil {
		return nil, notNull("arn")
	}
	if in.Status == nil {
		return nil, notNull("status")
	}
	status := registry.DestinationStatus(*in.Status)
	d, err := s.svc.Destinations.UpdateTopicRuleDestination(ctx, *in.ARN, status)
	if err != nil {
		return nil, err
	}
	if status == registry.DestinationInProgress {
		s.svc.Destinations.SendConfirmation(d)
	}
	return nil, nil
}

func (s *Server) deleteTopicRuleDestination(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Destinations.DeleteTopicRuleDestination(ctx, r.Label("arn"))
}

func (s *Server) confirmTopicRuleDestination(ctx context.Context, r *Request) (any, error) {
	return nil, s.svc.Destinations.ConfirmTopicRuleDestination(ctx, r.Label("confirmationToken"))
}
