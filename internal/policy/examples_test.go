package policy

import (
	"fmt"
	"testing"
)

// thingDevice is a request context for thing t1 connected with client ID
// c, its certificate attached to the thing when attached is true.
func thingDevice(c string, attached bool) (map[string][]string, func(string) (string, bool)) {
	ctx := map[string][]string{
		"iot:ClientId":                    {c},
		"iot:Connection.Thing.IsAttached": {fmt.Sprint(attached)},
	}
	vars := func(name string) (string, bool) {
		if name == "iot:Connection.Thing.ThingName" && attached {
			return c, true // AWS: thing name = client ID, only if attached
		}
		return "", false
	}
	return ctx, vars
}

// AWS developer guide, "Publish/Subscribe policy examples", registered
// devices (5), (6), (4) and (9), and spec §2.1.
const (
	specExample = `{"Version":"2012-10-17",
 "Statement":[{"Effect":"Allow","Action":["iot:Connect"],
               "Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
               "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`
	pubByThing = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"]},
  {"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:Connection.Thing.ThingName}/*"]}]}`
	roomsByThing = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"]},
  {"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/${iot:Connection.Thing.ThingName}/room*"]},
  {"Effect":"Allow","Action":["iot:Receive"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:Connection.Thing.ThingName}/room*"]}]}`
	plusLiteral = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/some/+/topic"]}]}`
	allButBar = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}/*"]},
  {"Effect":"Deny","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}/bar"]}]}`
)

func TestEvaluate_AWSExamples(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		client   string
		attached bool
		action   string
		resource string
		want     Reason
	}{
		{"spec: attached thing connects", specExample, "t1", true, ActionConnect, arnPrefix + "client/t1", Allowed},
		{"spec: unattached cert cannot", specExample, "t1", false, ActionConnect, arnPrefix + "client/t1", ImplicitDeny},
		{"spec: other client id", specExample, "t1", true, ActionConnect, arnPrefix + "client/t2", ImplicitDeny},
		{"(5) publish under own name", pubByThing, "t1", true, ActionPublish, topic("t1/telemetry/x"), Allowed},
		{"(5) not under another's", pubByThing, "t1", true, ActionPublish, topic("t2/telemetry"), ImplicitDeny},
		{"(5) not when unattached", pubByThing, "t1", false, ActionPublish, topic("t1/telemetry"), ImplicitDeny},
		{"(5) subscribe not granted", pubByThing, "t1", true, ActionSubscribe, arnPrefix + "topicfilter/t1/x", ImplicitDeny},
		{"(6) subscribe room filter", roomsByThing, "t1", true, ActionSubscribe, arnPrefix + "topicfilter/t1/room1", Allowed},
		{"(6) subscribe room wildcard filter", roomsByThing, "t1", true, ActionSubscribe, arnPrefix + "topicfilter/t1/room/#", Allowed},
		{"(6) receive room", roomsByThing, "t1", true, ActionReceive, topic("t1/room42"), Allowed},
		{"(6) receive elsewhere", roomsByThing, "t1", true, ActionReceive, topic("t1/kitchen"), ImplicitDeny},
		{"(4) literal plus filter", plusLiteral, "c", false, ActionSubscribe, arnPrefix + "topicfilter/some/+/topic", Allowed},
		{"(4) concrete topic filter", plusLiteral, "c", false, ActionSubscribe, arnPrefix + "topicfilter/some/x/topic", ImplicitDeny},
		{"(9) publish", allButBar, "c1", false, ActionPublish, topic("c1/foo"), Allowed},
		{"(9) bar denied", allButBar, "c1", false, ActionPublish, topic("c1/bar"), ExplicitDeny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, vars := thingDevice(tc.client, tc.attached)
			got := Evaluate([]*Document{MustParse(tc.doc)}, Request{Action: tc.action, Resource: tc.resource, Vars: vars, Context: ctx})
			if got.Reason != tc.want {
				t.Fatalf("got %v (%+v), want %v", got.Reason, got, tc.want)
			}
		})
	}
}

func ExampleEvaluate() {
	d, err := Parse(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}/*"},
	  {"Sid":"NoBar","Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/*/bar"}]}`)
	if err != nil {
		panic(err)
	}
	for _, topic := range []string{"dev1/temp", "dev1/bar", "dev2/temp"} {
		dec := Evaluate([]*Document{d}, Request{
			Action:   ActionPublish,
			Resource: "arn:aws:iot:us-east-1:123456789012:topic/" + topic,
			Context:  map[string][]string{"iot:ClientId": {"dev1"}},
		})
		fmt.Printf("%s: %v (statement %d)\n", topic, dec.Reason, dec.Statement)
	}
	// Output:
	// dev1/temp: allow (statement 0)
	// dev1/bar: explicit deny (statement 1)
	// dev2/temp: implicit deny (statement -1)
}
