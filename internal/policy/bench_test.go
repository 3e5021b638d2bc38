package policy

import "testing"

// BenchmarkEvaluate measures the broker's per-publish check: three
// policies, variables, a deny and a condition.
func BenchmarkEvaluate(b *testing.B) {
	docs := []*Document{
		MustParse(specExample),
		MustParse(roomsByThing),
		MustParse(allButBar),
	}
	ctx, vars := thingDevice("t1", true)
	req := Request{Action: ActionPublish, Resource: topic("t1/room7/temperature"), Vars: vars, Context: ctx}
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(docs, req).Allowed {
			b.Fatal("denied")
		}
	}
}

// BenchmarkEvaluate_Literal is the simplest case: one literal resource.
func BenchmarkEvaluate_Literal(b *testing.B) {
	docs := []*Document{doc(stmt("Allow", "iot:Publish", topic("a/b"), ""))}
	req := Request{Action: ActionPublish, Resource: topic("a/b")}
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(docs, req).Allowed {
			b.Fatal("denied")
		}
	}
}
