package policy

import (
	"fmt"
	"strings"
	"testing"
)

// doc wraps statements (JSON objects) in a 2012-10-17 document.
func doc(statements ...string) *Document {
	return MustParse(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
}

// stmt makes a statement JSON object; cond may be "".
func stmt(effect, action, resource, cond string) string {
	s := fmt.Sprintf(`{"Effect":%q,"Action":%q,"Resource":%q`, effect, action, resource)
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

func ctx(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

func topic(name string) string { return arnPrefix + "topic/" + name }

func TestEvaluate_Resources(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string
		resource string
		want     bool
	}{
		{"exact", topic("a/b"), topic("a/b"), true},
		{"exact differs", topic("a/b"), topic("a/c"), false},
		{"case-sensitive", topic("A/b"), topic("a/b"), false},
		{"star crosses slash", topic("a/*"), topic("a/b/c/d"), true},
		{"star matches empty", topic("a/*"), topic("a/"), true},
		{"star in middle", topic("a/*/z"), topic("a/b/c/z"), true},
		{"star in middle no end", topic("a/*/z"), topic("a/b/c/y"), false},
		{"two stars", topic("*x*y"), topic("..x..x..y"), true},
		{"question one char", topic("room?"), topic("room1"), true},
		{"question not zero", topic("room?"), topic("room"), false},
		{"question not two", topic("room?"), topic("room12"), false},
		{"question multi-byte", topic("t/?"), topic("t/é"), true},
		{"plus literal", arnPrefix + "topicfilter/some/+/topic", arnPrefix + "topicfilter/some/+/topic", true},
		{"plus not wildcard", arnPrefix + "topicfilter/some/+/topic", arnPrefix + "topicfilter/some/x/topic", false},
		{"hash literal", arnPrefix + "topicfilter/sensor/#", arnPrefix + "topicfilter/sensor/#", true},
		{"hash not wildcard", arnPrefix + "topicfilter/sensor/#", arnPrefix + "topicfilter/sensor/a", false},
		{"star covers MQTT filter", arnPrefix + "topicfilter/sensor/*", arnPrefix + "topicfilter/sensor/+/x", true},
		{"all", "*", topic("anything"), true},
		{"wildcard region", "arn:aws:iot:*:*:topic/a", topic("a"), true},
		{"escape star literal", topic("a/${*}"), topic("a/*"), true},
		{"escape star not wildcard", topic("a/${*}"), topic("a/b"), false},
		{"escape question", topic("a${?}"), topic("a?"), true},
		{"escape dollar", topic("${$}x"), topic("$x"), true},
		{"empty braces literal", topic("a${}"), topic("a${}"), true},
		{"unclosed literal", topic("a/${iot:ClientId"), topic("a/${iot:ClientId"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc(stmt("Allow", "iot:Publish", tc.pattern, ""))
			got := Evaluate([]*Document{d}, Request{Action: ActionPublish, Resource: tc.resource})
			if got.Allowed != tc.want {
				t.Fatalf("%s vs %s: allowed=%v, want %v", tc.pattern, tc.resource, got.Allowed, tc.want)
			}
		})
	}
}

func TestEvaluate_Actions(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"iot:Publish", "iot:Publish", true},
		{"iot:publish", "IOT:PUBLISH", true},
		{"iot:Publish", "iot:RetainPublish", false},
		{"iot:*", "iot:Receive", true},
		{"*", "iot:Receive", true},
		{"iot:*Publish", "iot:RetainPublish", true},
		{"iot:Get*", "iot:GetThingShadow", true},
		{"iot:Get*", "iot:UpdateThingShadow", false},
		{"iot:?onnect", "iot:Connect", true},
	}
	for _, tc := range tests {
		d := doc(stmt("Allow", tc.pattern, "*", ""))
		got := Evaluate([]*Document{d}, Request{Action: tc.action, Resource: topic("t")})
		if got.Allowed != tc.want {
			t.Errorf("%s vs %s: allowed=%v, want %v", tc.pattern, tc.action, got.Allowed, tc.want)
		}
	}
}

func TestEvaluate_Precedence(t *testing.T) {
	allowAll := doc(stmt("Allow", "iot:*", "*", ""))
	denyBar := doc(`{"Sid":"nobar","Effect":"Deny","Action":"iot:Publish","Resource":"` + topic("bar") + `"}`)
	tests := []struct {
		name      string
		docs      []*Document
		resource  string
		want      Reason
		pol, stmt int
		sid       string
	}{
		{"allow", []*Document{allowAll}, topic("foo"), Allowed, 0, 0, ""},
		{"deny wins over allow in another policy", []*Document{allowAll, denyBar}, topic("bar"), ExplicitDeny, 1, 0, "nobar"},
		{"deny wins whatever the order", []*Document{denyBar, allowAll}, topic("bar"), ExplicitDeny, 0, 0, "nobar"},
		{"deny elsewhere does not apply", []*Document{denyBar, allowAll}, topic("foo"), Allowed, 1, 0, ""},
		{"deny alone is not allow", []*Document{denyBar}, topic("foo"), ImplicitDeny, -1, -1, ""},
		{"no policies", nil, topic("foo"), ImplicitDeny, -1, -1, ""},
		{"nil policy skipped", []*Document{nil, allowAll}, topic("foo"), Allowed, 1, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(tc.docs, Request{Action: ActionPublish, Resource: tc.resource})
			want := Decision{Allowed: tc.want == Allowed, Reason: tc.want, Policy: tc.pol, Statement: tc.stmt, Sid: tc.sid}
			if got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestEvaluate_NotActionNotResource(t *testing.T) {
	d := doc(
		stmt("Allow", "iot:*", "*", ""),
		`{"Effect":"Deny","NotAction":["iot:Connect","iot:Subscribe"],"Resource":"*"}`,
	)
	limited := doc(`{"Effect":"Allow","Action":"iot:Publish","NotResource":"` + topic("secret/*") + `"}`)
	tests := []struct {
		name     string
		d        *Document
		action   string
		resource string
		want     Reason
	}{
		{"NotAction spares Connect", d, ActionConnect, arnPrefix + "client/c1", Allowed},
		{"NotAction spares Subscribe", d, ActionSubscribe, arnPrefix + "topicfilter/a", Allowed},
		{"NotAction denies Publish", d, ActionPublish, topic("a"), ExplicitDeny},
		{"NotResource allows elsewhere", limited, ActionPublish, topic("open/1"), Allowed},
		{"NotResource excludes", limited, ActionPublish, topic("secret/1"), ImplicitDeny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate([]*Document{tc.d}, Request{Action: tc.action, Resource: tc.resource})
			if got.Reason != tc.want {
				t.Fatalf("got %v, want %v", got.Reason, tc.want)
			}
		})
	}
}

func TestEvaluate_Variables(t *testing.T) {
	byThing := doc(stmt("Allow", "iot:Publish", topic("${iot:Connection.Thing.ThingName}/*"), ""))
	byClient := doc(stmt("Allow", "iot:Publish", topic("my/${iot:ClientId}"), ""))
	attr := doc(stmt("Allow", "iot:Publish", topic("${iot:Connection.Thing.Attributes[site]}/${iot:ClientId}"), ""))
	old := MustParse(`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"` + topic("my/${iot:ClientId}") + `"}}`)
	vars := func(m map[string]string) func(string) (string, bool) {
		return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
	}
	tests := []struct {
		name string
		d    *Document
		req  Request
		want bool
	}{
		{"thing name from Vars", byThing, Request{Resource: topic("t1/temp"),
			Vars: vars(map[string]string{"iot:Connection.Thing.ThingName": "t1"})}, true},
		{"other thing", byThing, Request{Resource: topic("t2/temp"),
			Vars: vars(map[string]string{"iot:Connection.Thing.ThingName": "t1"})}, false},
		{"unresolved stays literal and fails", byThing, Request{Resource: topic("t1/temp")}, false},
		{"unresolved matches only its literal text", byThing, Request{Resource: topic("${iot:Connection.Thing.ThingName}/x")}, true},
		{"client id from Context", byClient, Request{Resource: topic("my/c1"), Context: ctx("iot:ClientId", "c1")}, true},
		{"context key case-insensitive", byClient, Request{Resource: topic("my/c1"), Context: ctx("IOT:clientid", "c1")}, true},
		{"multi-valued context does not resolve", byClient, Request{Resource: topic("my/c1"), Context: ctx("iot:ClientId", "c1", "iot:ClientId", "c2")}, false},
		{"Vars wins over Context", byClient, Request{Resource: topic("my/v"), Vars: vars(map[string]string{"iot:ClientId": "v"}), Context: ctx("iot:ClientId", "c")}, true},
		{"Vars miss falls back to Context", byClient, Request{Resource: topic("my/c"), Vars: vars(nil), Context: ctx("iot:ClientId", "c")}, true},
		{"value star is literal", byClient, Request{Resource: topic("my/anything"), Context: ctx("iot:ClientId", "*")}, false},
		{"value star matches itself", byClient, Request{Resource: topic("my/*"), Context: ctx("iot:ClientId", "*")}, true},
		{"value plus is literal", byClient, Request{Resource: topic("my/+"), Context: ctx("iot:ClientId", "+")}, true},
		{"too long value unresolved", byClient, Request{Resource: topic("my/" + strings.Repeat("x", 1025)), Context: ctx("iot:ClientId", strings.Repeat("x", 1025))}, false},
		{"two variables", attr, Request{Resource: topic("paris/c9"), Context: ctx("iot:Connection.Thing.Attributes[site]", "paris", "iot:ClientId", "c9")}, true},
		{"2008 version has no variables", old, Request{Resource: topic("my/c1"), Context: ctx("iot:ClientId", "c1")}, false},
		{"2008 version literal text", old, Request{Resource: topic("my/${iot:ClientId}"), Context: ctx("iot:ClientId", "c1")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Action = ActionPublish
			if got := Evaluate([]*Document{tc.d}, tc.req).Allowed; got != tc.want {
				t.Fatalf("allowed=%v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvaluate_ConcurrentUse(t *testing.T) {
	docs := []*Document{MustParse(allButBar), MustParse(specExample)}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i := range 200 {
				c := fmt.Sprintf("c%d", g)
				r := Request{Action: ActionPublish, Resource: topic(c + "/" + fmt.Sprint(i)), Context: ctx("iot:ClientId", c)}
				ok = ok && Evaluate(docs, r).Allowed
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("a concurrent evaluation was denied")
		}
	}
}
