package registry

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

// Page sizes of ListTopicRuleDestinations (botocore model: maxResults
// 1..1000). AWS documents no default, so it is the largest.
const destinationsPageMax = 1000

// ListTopicRuleDestinationsInput selects a page of ListTopicRuleDestinations.
type ListTopicRuleDestinationsInput struct {
	MaxResults int // 1 to 1000; 0 means 1000
	NextToken  string
}

// ListTopicRuleDestinations lists the account's destinations, one page at
// a time, in the order of their ARNs' UUIDs.
func (r *Registry) ListTopicRuleDestinations(ctx context.Context, in ListTopicRuleDestinationsInput) (Page[TopicRuleDestination], error) {
	var page Page[TopicRuleDestination]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		page, err = scanPage(tx, tableRuleDestinations, "", in.NextToken, listLimit(in.MaxResults, destinationsPageMax),
			func(rec store.Record) (TopicRuleDestination, bool, error) {
				d, err := decodeDestination(rec)
				return r.destination(rec.Key, d), true, err
			})
		return err
	})
	if page.Items == nil {
		page.Items = []TopicRuleDestination{}
	}
	return page, err
}

// scanDestinationsTxn calls fn with each destination's UUID and record
// until fn returns false.
func scanDestinationsTxn(tx store.ReadTx, fn func(id string, rec destinationRecord) bool) error {
	var decodeErr error
	err := tx.Scan(tableRuleDestinations, store.Query{}, func(rec store.Record) bool {
		d, err := decodeDestination(rec)
		if err != nil {
			decodeErr = err
			return false
		}
		return fn(rec.Key, d)
	})
	if err == nil {
		err = decodeErr
	}
	return err
}

// decodeDestination decodes one record of tableRuleDestinations.
func decodeDestination(rec store.Record) (destinationRecord, error) {
	var d destinationRecord
	if err := json.Unmarshal(rec.Value, &d); err != nil {
		return d, fmt.Errorf("registry: decoding %s/%q: %w", tableRuleDestinations, rec.Key, err)
	}
	return d, nil
}
