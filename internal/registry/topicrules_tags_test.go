package registry

import (
	"context"
	"testing"
)

// Topic rules are taggable on AWS (TagResource and ListTagsForResource
// take a rule ARN), and a rule's tags go with it.
func TestRegistry_TagResource_TopicRule(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	f.mustCreate(testRule("tagged", "t/#"))
	arn := f.mustGet("tagged").ARN
	if err := f.r.TagResource(ctx, arn, []Tag{{Key: "team", Value: "ops"}}); err != nil {
		t.Fatalf("TagResource on a rule: %v", err)
	}
	page, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: arn})
	if err != nil || len(page.Items) != 1 || page.Items[0] != (Tag{Key: "team", Value: "ops"}) {
		t.Fatalf("ListTagsForResource = %+v, %v", page.Items, err)
	}
	if err := f.r.DeleteTopicRule(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.ListTagsForResource(ctx, ListTagsInput{ResourceARN: arn}); err == nil {
		t.Error("tags of a deleted rule are still listed")
	}
}
