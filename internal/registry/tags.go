package registry

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// Tag is one key/value pair of a resource's metadata (spec §3.1; botocore
// shape Tag). Value may be empty.
type Tag struct {
	Key   string
	Value string
}

// Tag limits of the AWS Tag shape and AWS's tagging rules: at most 50 tags
// per resource, keys of 1 to 128 characters from letters, spaces, digits and
// _.:/=+-@, values of 0 to 256 characters, and no key starting "aws:",
// which AWS reserves for itself.
const (
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
	reservedTagPrefix  = "aws:"
	tagsPageSize       = maxTagsPerResource
)

var tagKeyRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// taggableTable returns the table that holds resources of the ARN
// resource type typ, keyed by the ARN's name part, when such resources can
// carry tags. AWS IoT tags thing types, thing groups, policies, topic
// rules, role aliases, CA certificates and job resources, but not things or
// device certificates (in the botocore model only the Create calls of the
// former take tags). Only the types hob implements are listed; adding one
// is one case.
func taggableTable(typ string) (string, bool) {
	switch typ {
	case iot.TypeThingType:
		return tableThingTypes, true
	case iot.TypePolicy:
		return tablePolicies, true
	case iot.TypeRule:
		return tableTopicRules, true
	}
	return "", false
}

// TagResource adds tags to the resource named by arn, replacing the values
// of keys it already has. The resource must exist, and the result may hold
// at most 50 tags (LimitExceededException, as the model lists for
// TagResource).
func (r *Registry) TagResource(ctx context.Context, arn string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return r.editTags(ctx, arn, func(have []Tag) ([]Tag, error) {
		merged := mergeTags(have, tags)
		if len(merged) > maxTagsPerResource {
			return nil, iot.Errorf(iot.LimitExceededException,
				"resource %s would have %d tags; a resource can have at most %d", arn, len(merged), maxTagsPerResource)
		}
		return merged, nil
	})
}

// UntagResource removes the tags with the given keys from the resource
// named by arn. Keys the resource does not have are ignored.
func (r *Registry) UntagResource(ctx context.Context, arn string, keys []string) error {
	for _, k := range keys {
		if err := checkTagKey(k); err != nil {
			return err
		}
	}
	return r.editTags(ctx, arn, func(have []Tag) ([]Tag, error) {
		return slices.DeleteFunc(have, func(t Tag) bool { return slices.Contains(keys, t.Key) }), nil
	})
}

// editTags replaces, in one transaction, the tags of the resource named by
// arn, which must exist and be taggable, with what edit makes of them; an
// error of edit aborts the transaction and is returned as is. edit may run
// more than once (store.Update may retry), each time on a fresh read.
func (r *Registry) editTags(ctx context.Context, arn string, edit func(have []Tag) ([]Tag, error)) error {
	return r.st.Update(ctx, func(tx store.Tx) error {
		if err := r.checkTaggable(tx, arn); err != nil {
			return err
		}
		have, err := readTags(tx, arn)
		if err != nil {
			return err
		}
		next, err := edit(have)
		if err != nil {
			return err
		}
		return writeTags(tx, arn, next)
	})
}

// ListTagsInput selects a page of a resource's tags.
type ListTagsInput struct {
	ResourceARN string
	NextToken   string
}

// ListTagsForResource returns the tags of the resource named by in.ResourceARN
// in key order. A resource has at most 50 tags, so one page holds them all;
// NextToken is honoured for clients that send one back.
func (r *Registry) ListTagsForResource(ctx context.Context, in ListTagsInput) (Page[Tag], error) {
	after, err := decodeToken(in.NextToken)
	if err != nil {
		return Page[Tag]{}, err
	}
	var page Page[Tag]
	err = r.st.View(ctx, func(tx store.ReadTx) error {
		if err := r.checkTaggable(tx, in.ResourceARN); err != nil {
			return err
		}
		tags, err := readTags(tx, in.ResourceARN)
		page = pageOfTags(tags, after)
		return err
	})
	return page, err
}

// pageOfTags returns the tags with keys after the key after, at most one
// page of them.
func pageOfTags(tags []Tag, after string) Page[Tag] {
	page := Page[Tag]{Items: []Tag{}}
	for _, t := range tags {
		if after != "" && t.Key <= after {
			continue
		}
		if len(page.Items) == tagsPageSize {
			page.Next = encodeToken(page.Items[len(page.Items)-1].Key)
			break
		}
		page.Items = append(page.Items, t)
	}
	return page
}

// putTagsTxn sets the tags of a resource that tx is creating (CreateThingType,
// CreatePolicy). It validates them as TagResource does, with the count limit
// reported as InvalidRequestException, the error the Create operations'
// models list. It does not check that the resource exists.
func putTagsTxn(tx store.Tx, arn string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	if len(tags) > maxTagsPerResource {
		return iot.Errorf(iot.InvalidRequestException,
			"%d tags given; a resource can have at most %d", len(tags), maxTagsPerResource)
	}
	return writeTags(tx, arn, mergeTags(nil, tags))
}

// deleteTagsTxn removes every tag of the resource named by arn, for the
// Delete operations of taggable resources. A resource without tags is fine.
func deleteTagsTxn(tx store.Tx, arn string) error {
	_, err := tx.Delete(tableTags, arn)
	return err
}

// checkTaggable returns nil when arn names an existing resource of this
// account that can carry tags: InvalidRequestException for a malformed ARN or
// an untaggable type, ResourceNotFoundException for a resource that is not
// there (including one in another account or region).
func (r *Registry) checkTaggable(tx store.ReadTx, arn string) error {
	if arn == "" {
		return iot.Errorf(iot.InvalidRequestException, "resourceArn is required")
	}
	a, err := iot.ParseARN(arn)
	if err != nil {
		return iot.Errorf(iot.InvalidRequestException, "resourceArn: %v", err)
	}
	if a.Service != "iot" {
		return iot.Errorf(iot.InvalidRequestException, "resourceArn %s is not an AWS IoT ARN", arn)
	}
	table, ok := taggableTable(a.Type)
	if !ok {
		return iot.Errorf(iot.InvalidRequestException,
			"resources of type %q cannot be tagged; taggable types here are thingtype, policy and rule", a.Type)
	}
	if a.Partition != r.account.Partition || a.Region != r.account.Region || a.Account != r.account.ID {
		return iot.Errorf(iot.ResourceNotFoundException, "resource %s is not in this account and region", arn)
	}
	_, err = tx.Get(table, a.Name)
	if errors.Is(err, store.ErrNotFound) {
		return iot.Errorf(iot.ResourceNotFoundException, "resource %s does not exist", arn)
	}
	return err
}

// checkTags validates a list of tags given in one request.
func checkTags(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if err := checkTagKey(t.Key); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToLower(t.Key), reservedTagPrefix) {
			return iot.Errorf(iot.InvalidRequestException, "tag key %q uses the prefix aws:, which is reserved for AWS", t.Key)
		}
		if n := utf8.RuneCountInString(t.Value); n > maxTagValueLen {
			return iot.Errorf(iot.InvalidRequestException,
				"the value of tag %q is %d characters long; at most %d are allowed", t.Key, n, maxTagValueLen)
		}
		if seen[t.Key] {
			return iot.Errorf(iot.InvalidRequestException, "tag key %q is given more than once", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// checkTagKey validates one tag key against the Tag shape's constraints.
func checkTagKey(k string) error {
	if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKeyLen {
		return iot.Errorf(iot.InvalidRequestException,
			"tag key %q must be 1 to %d characters long", k, maxTagKeyLen)
	}
	if !tagKeyRe.MatchString(k) {
		return iot.Errorf(iot.InvalidRequestException,
			"tag key %q may contain only letters, digits, spaces and _.:/=+-@", k)
	}
	return nil
}

// readTags returns the stored tags of arn in key order (none: empty).
func readTags(tx store.ReadTx, arn string) ([]Tag, error) {
	var m map[string]string
	if _, err := getJSON(tx, tableTags, arn, &m); err != nil {
		return nil, err
	}
	tags := make([]Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, Tag{Key: k, Value: v})
	}
	slices.SortFunc(tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return tags, nil
}

// writeTags stores tags as the whole tag set of arn; an empty set removes
// the record.
func writeTags(tx store.Tx, arn string, tags []Tag) error {
	if len(tags) == 0 {
		return deleteTagsTxn(tx, arn)
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return putJSON(tx, tableTags, arn, m)
}

// mergeTags returns have with add applied: new keys appended, existing
// keys given add's value.
func mergeTags(have, add []Tag) []Tag {
	out := slices.Clone(have)
	for _, t := range add {
		i := slices.IndexFunc(out, func(o Tag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}
