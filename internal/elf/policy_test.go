package elf

import (
	"testing"

	"github.com/hob-iot/hob/internal/policy"
)

const certArn = "arn:aws:iot:us-east-1:123456789012:cert/abc"

// The policy elf makes allows the thing only its client ids, its topics and
// its shadows, checked with hob's own policy evaluator.
func TestPolicyDocument_AllowsOnlyOwnResources(t *testing.T) {
	doc, err := PolicyDocument(certArn, "thing_0", []string{"elf/thing_0", "elf/thing_0"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := policy.Parse(doc)
	if err != nil {
		t.Fatalf("hob rejects the policy: %v\n%s", err, doc)
	}
	arn := "arn:aws:iot:us-east-1:123456789012:"
	cases := []struct {
		action, resource string
		allowed          bool
	}{
		{"iot:Connect", "client/thing_0", true},
		{"iot:Connect", "client/thing_0-listener", true},
		{"iot:Connect", "client/thing_1", false},
		{"iot:Connect", "client/thing_0x", false},
		{"iot:Publish", "topic/elf/thing_0", true},
		{"iot:Publish", "topic/elf/thing_0/sub", true},
		{"iot:Publish", "topic/elf/thing_1", false},
		{"iot:Publish", "topic/elf", false},
		{"iot:Receive", "topic/elf/thing_0", true},
		{"iot:Subscribe", "topicfilter/elf/thing_0", true},
		{"iot:Subscribe", "topicfilter/elf/#", false},
		{"iot:Publish", "topic/$aws/things/thing_0/shadow/update", true},
		{"iot:Publish", "topic/$aws/things/thing_0/shadow/name/n1/get", true},
		{"iot:Subscribe", "topicfilter/$aws/things/thing_0/shadow/get/+", true},
		{"iot:Publish", "topic/$aws/things/thing_1/shadow/update", false},
		{"iot:Publish", "topic/$aws/events/presence/connected/thing_0", false},
	}
	for _, c := range cases {
		got := policy.Evaluate([]*policy.Document{d}, policy.Request{Action: c.action, Resource: arn + c.resource})
		if got.Allowed != c.allowed {
			t.Errorf("%s on %s: allowed %v, want %v", c.action, c.resource, got.Allowed, c.allowed)
		}
	}
}

func TestPolicyDocument_VerbatimTopicHasNoSubtree(t *testing.T) {
	doc, _ := PolicyDocument(certArn, "thing_0", []string{"elf"})
	d, err := policy.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iot:us-east-1:123456789012:topic/"
	for topic, want := range map[string]bool{"elf": true, "elf/thing_1": false} {
		if got := policy.Evaluate([]*policy.Document{d}, policy.Request{Action: "iot:Publish", Resource: arn + topic}); got.Allowed != want {
			t.Errorf("publish %s: %v, want %v", topic, got.Allowed, want)
		}
	}
}

func TestPolicyDocument_BadARN(t *testing.T) {
	if _, err := PolicyDocument("cert/abc", "thing_0", nil); err == nil {
		t.Fatal("want an error for a malformed certificate ARN")
	}
}

func TestThingTopic(t *testing.T) {
	cases := []struct {
		prefix string
		append bool
		want   string
	}{
		{"elf", true, "elf/thing_0"},
		{"elf/", true, "elf/thing_0"},
		{"elf", false, "elf"},
		{"$aws/things/thing_0/shadow/update", true, "$aws/things/thing_0/shadow/update"},
	}
	for _, c := range cases {
		if got := ThingTopic(c.prefix, "thing_0", c.append); got != c.want {
			t.Errorf("ThingTopic(%q, %v) = %q, want %q", c.prefix, c.append, got, c.want)
		}
	}
}

func TestCovers(t *testing.T) {
	if !covers([]string{"a", "b"}, []string{"b"}) || covers([]string{"a"}, []string{"b"}) || !covers(nil, nil) {
		t.Fatal("covers")
	}
}
