package api

import (
	"context"

	"github.com/hob-iot/hob/internal/registry"
)

// destinationJSON is the TopicRuleDestination shape.
type destinationJSON struct {
	ARN               string           `json:"arn"`
	Status            string           `json:"status"`
	CreatedAt         *Time            `json:"createdAt,omitempty"`
	LastUpdatedAt     *Time            `json:"lastUpdatedAt,omitempty"`
	StatusReason      string           `json:"statusReason,omitempty"`
	HTTPURLProperties *httpURLProperty `json:"httpUrlProperties,omitempty"`
}

// httpURLProperty is HttpUrlDestinationProperties (and, with the same
// member, HttpUrlDestinationSummary).
type httpURLProperty struct {
	ConfirmationURL string `json:"confirmationUrl"`
}

// destinationOutput is the answer of CreateTopicRuleDestination and
// GetTopicRuleDestination.
type destinationOutput struct {
	TopicRuleDestination destinationJSON `json:"topicRuleDestination"`
}

func destinationJSONOf(d registry.TopicRuleDestination) destinationJSON {
	return destinationJSON{ARN: d.ARN, Status: string(d.Status), CreatedAt: timePtr(d.CreatedAt),
		LastUpdatedAt: timePtr(d.LastUpdatedAt), StatusReason: d.StatusReason,
		HTTPURLProperties: &httpURLProperty{ConfirmationURL: d.ConfirmationURL}}
}

// destinationSummary is the TopicRuleDestinationSummary shape.
type destinationSummary struct {
	ARN            string           `json:"arn"`
	Status         string           `json:"status"`
	CreatedAt      *Time            `json:"createdAt,omitempty"`
	LastUpdatedAt  *Time            `json:"lastUpdatedAt,omitempty"`
	StatusReason   string           `json:"statusReason,omitempty"`
	HTTPURLSummary *httpURLProperty `json:"httpUrlSummary,omitempty"`
}

type listDestinationsOutput struct {
	DestinationSummaries []destinationSummary `json:"destinationSummaries"`
	NextToken            string               `json:"nextToken,omitempty"`
}

// listTopicRuleDestinations serves ListTopicRuleDestinations: maxResults
// 1 to 1000 (botocore model).
func (s *Server) listTopicRuleDestinations(ctx context.Context, r *Request) (any, error) {
	in := registry.ListTopicRuleDestinationsInput{NextToken: r.Query("nextToken")}
	var err error
	if in.MaxResults, err = r.QueryInt("maxResults", 0, 1, 1000); err != nil {
		return nil, err
	}
	page, err := s.svc.Destinations.ListTopicRuleDestinations(ctx, in)
	if err != nil {
		return nil, err
	}
	out := listDestinationsOutput{DestinationSummaries: make([]destinationSummary, 0, len(page.Items)), NextToken: page.Next}
	for _, d := range page.Items {
		out.DestinationSummaries = append(out.DestinationSummaries, destinationSummary{ARN: d.ARN,
			Status: string(d.Status), CreatedAt: timePtr(d.CreatedAt), LastUpdatedAt: timePtr(d.LastUpdatedAt),
			StatusReason: d.StatusReason, HTTPURLSummary: &httpURLProperty{ConfirmationURL: d.ConfirmationURL}})
	}
	return out, nil
}
