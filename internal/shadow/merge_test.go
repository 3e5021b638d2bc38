package shadow

import "testing"

// TestApply_MergeRules covers every merge rule of spec §1.3.
func TestApply_MergeRules(t *testing.T) {
	cases := []struct {
		name   string
		state  string // stored {"desired":..,"reported":..}
		update string // request body
		want   string // state after
	}{
		{"rule1 create", `{}`, `{"state":{"desired":{"a":1}}}`, `{"desired":{"a":1}}`},
		{"rule1 keys not mentioned untouched", `{"desired":{"a":1,"b":2}}`, `{"state":{"desired":{"b":3}}}`, `{"desired":{"a":1,"b":3}}`},
		{"rule1 nested merge", `{"desired":{"o":{"x":1,"y":2}}}`, `{"state":{"desired":{"o":{"y":3,"z":4}}}}`, `{"desired":{"o":{"x":1,"y":3,"z":4}}}`},
		{"rule1 sections independent", `{"desired":{"a":1},"reported":{"a":2}}`, `{"state":{"reported":{"b":1}}}`, `{"desired":{"a":1},"reported":{"a":2,"b":1}}`},
		{"rule2 null deletes top key", `{"desired":{"a":1,"b":2}}`, `{"state":{"desired":{"a":null}}}`, `{"desired":{"b":2}}`},
		{"rule2 null deletes nested key", `{"desired":{"o":{"x":1,"y":2}}}`, `{"state":{"desired":{"o":{"x":null}}}}`, `{"desired":{"o":{"y":2}}}`},
		{"rule2 null of absent key", `{"desired":{"a":1}}`, `{"state":{"desired":{"zz":null}}}`, `{"desired":{"a":1}}`},
		{"rule2 nested emptied object kept", `{"desired":{"o":{"x":1},"a":1}}`, `{"state":{"desired":{"o":{"x":null}}}}`, `{"desired":{"a":1,"o":{}}}`},
		{"rule3 array replaced whole", `{"desired":{"l":[1,2,3]}}`, `{"state":{"desired":{"l":[4]}}}`, `{"desired":{"l":[4]}}`},
		{"rule3 array of objects replaced", `{"desired":{"l":[{"a":1}]}}`, `{"state":{"desired":{"l":[{"b":2}]}}}`, `{"desired":{"l":[{"b":2}]}}`},
		{"rule4 object replaces scalar", `{"desired":{"a":1}}`, `{"state":{"desired":{"a":{"x":1}}}}`, `{"desired":{"a":{"x":1}}}`},
		{"rule4 scalar replaces object", `{"desired":{"a":{"x":1}}}`, `{"state":{"desired":{"a":"s"}}}`, `{"desired":{"a":"s"}}`},
		{"rule4 array replaces object", `{"desired":{"a":{"x":1}}}`, `{"state":{"desired":{"a":[1]}}}`, `{"desired":{"a":[1]}}`},
		{"rule4 new object drops its nulls", `{}`, `{"state":{"desired":{"a":{"x":null,"y":1}}}}`, `{"desired":{"a":{"y":1}}}`},
		{"rule5 desired null removes section", `{"desired":{"a":1},"reported":{"a":1}}`, `{"state":{"desired":null}}`, `{"reported":{"a":1}}`},
		{"rule5 reported null removes section", `{"desired":{"a":1},"reported":{"a":1}}`, `{"state":{"reported":null}}`, `{"desired":{"a":1}}`},
		{"rule5 state null clears both", `{"desired":{"a":1},"reported":{"a":1}}`, `{"state":null}`, `{}`},
		{"rule5 both null clears both", `{"desired":{"a":1},"reported":{"a":1}}`, `{"state":{"desired":null,"reported":null}}`, `{}`},
		{"rule6 section emptied by deletes dropped", `{"desired":{"a":1},"reported":{"b":1}}`, `{"state":{"desired":{"a":null}}}`, `{"reported":{"b":1}}`},
		{"rule6 empty section not stored", `{}`, `{"state":{"desired":{}}}`, `{}`},
		{"numbers keep their text", `{}`, `{"state":{"reported":{"f":1.0,"big":123456789012345678901234567890,"e":1e3}}}`, `{"reported":{"big":123456789012345678901234567890,"e":1e3,"f":1.0}}`},
		{"other top-level keys ignored", `{}`, `{"state":{"desired":{"a":1}},"metadata":{"x":1},"timestamp":5}`, `{"desired":{"a":1}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old := sectionsOf(obj(t, c.state))
			oldJSON := js(old)
			meta := Sections{Desired: metaObj(old.Desired, 1), Reported: metaObj(old.Reported, 1)}
			got, gotMeta := apply(old, meta, mustParse(t, c.update), 2)
			if js(got) != js(sectionsOf(obj(t, c.want))) {
				t.Fatalf("state = %s, want %s", js(got), c.want)
			}
			if js(old) != oldJSON {
				t.Fatalf("apply modified its input: %s, was %s", js(old), oldJSON)
			}
			checkMirror(t, got, gotMeta)
		})
	}
}

// metaObj is metaOf for an object (nil stays nil).
func metaObj(m map[string]any, ts int64) map[string]any {
	if m == nil {
		return nil
	}
	return metaOf(m, ts).(map[string]any)
}

// checkMirror fails unless meta has exactly state's shape with a
// {"timestamp":N} at every leaf (spec §1.4).
func checkMirror(t testing.TB, state, meta Sections) {
	t.Helper()
	for _, sec := range []section{desired, reported} {
		if msg := mirrors(state.get(sec), meta.get(sec)); msg != "" {
			t.Fatalf("%s metadata %s does not mirror %s: %s", sec, js(meta.get(sec)), js(state.get(sec)), msg)
		}
	}
}

// mirrors returns "" when meta is the metadata shape of v, else what differs.
func mirrors(v, meta any) string {
	switch v := v.(type) {
	case map[string]any:
		m, ok := meta.(map[string]any)
		if !ok || len(m) != len(v) {
			return "object keys differ"
		}
		for k, c := range v {
			if msg := mirrors(c, m[k]); msg != "" {
				return k + ": " + msg
			}
		}
	case []any:
		a, ok := meta.([]any)
		if !ok || len(a) != len(v) {
			return "array lengths differ"
		}
		for i := range v {
			if msg := mirrors(v[i], a[i]); msg != "" {
				return msg
			}
		}
	default:
		m, ok := meta.(map[string]any)
		if !ok || len(m) != 1 || m["timestamp"] == nil {
			return "leaf without a timestamp"
		}
	}
	return ""
}

// TestApply_Metadata_OnlyWrittenLeavesRefreshed checks spec §1.3 rule 7.
func TestApply_Metadata_OnlyWrittenLeavesRefreshed(t *testing.T) {
	state := sectionsOf(obj(t, `{"desired":{"a":1,"o":{"x":1,"y":2},"l":[1,{"k":2}]}}`))
	meta := Sections{Desired: metaObj(state.Desired, 100)}
	state, meta = apply(state, meta, mustParse(t, `{"state":{"desired":{"o":{"y":3}},"reported":{"r":true}}}`), 200)
	want := `{"desired":{"a":{"timestamp":100},"l":[{"timestamp":100},{"k":{"timestamp":100}}],"o":{"x":{"timestamp":100},"y":{"timestamp":200}}},"reported":{"r":{"timestamp":200}}}`
	if js(meta) != want {
		t.Fatalf("metadata = %s\nwant       %s", js(meta), want)
	}
	_, meta = apply(state, meta, mustParse(t, `{"state":{"desired":{"o":5,"l":[]}}}`), 300)
	want = `{"desired":{"a":{"timestamp":100},"l":[],"o":{"timestamp":300}},"reported":{"r":{"timestamp":200}}}`
	if js(meta) != want {
		t.Fatalf("metadata = %s\nwant       %s", js(meta), want)
	}
}

// TestDelta covers every rule of spec §1.5.
func TestDelta(t *testing.T) {
	cases := []struct{ name, desired, reported, want string }{
		{"no desired", ``, `{"a":1}`, `{}`},
		{"no reported: all desired", `{"a":1,"o":{"x":1}}`, ``, `{"a":1,"o":{"x":1}}`},
		{"desired-only key", `{"a":1,"b":2}`, `{"a":1}`, `{"b":2}`},
		{"reported-only keys never appear", `{"a":1}`, `{"a":1,"z":9}`, `{}`},
		{"scalar change", `{"a":1}`, `{"a":2}`, `{"a":1}`},
		{"type change", `{"a":"1"}`, `{"a":1}`, `{"a":"1"}`},
		{"object vs scalar", `{"a":{"x":1}}`, `{"a":1}`, `{"a":{"x":1}}`},
		{"scalar vs object", `{"a":1}`, `{"a":{"x":1}}`, `{"a":1}`},
		{"nested path to differing leaf", `{"o":{"x":1,"y":{"p":1,"q":2}}}`, `{"o":{"x":1,"y":{"p":1,"q":3}}}`, `{"o":{"y":{"q":2}}}`},
		{"nested equal dropped", `{"o":{"x":1}}`, `{"o":{"x":1,"extra":2}}`, `{}`},
		{"array equal", `{"l":[1,2]}`, `{"l":[1,2]}`, `{}`},
		{"array order matters", `{"l":[1,2]}`, `{"l":[2,1]}`, `{"l":[1,2]}`},
		{"array compared whole", `{"l":[{"a":1},{"b":2}]}`, `{"l":[{"a":1},{"b":3}]}`, `{"l":[{"a":1},{"b":2}]}`},
		{"number text", `{"n":1.0}`, `{"n":1.0}`, `{}`},
		{"bool and string", `{"b":true,"s":"x"}`, `{"b":false,"s":"x"}`, `{"b":true}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := obj(t, c.desired)
			got, meta := delta(d, metaObj(d, 7), obj(t, c.reported))
			if js(got) != js(obj(t, c.want)) {
				t.Fatalf("delta = %s, want %s", js(got), c.want)
			}
			if msg := mirrors(got, meta); msg != "" {
				t.Fatalf("delta metadata %s does not mirror %s: %s", js(meta), js(got), msg)
			}
		})
	}
}

// TestDelta_ReportedDeleteReappears: deleting a reported key that desired
// still holds puts it back in the delta (spec §1.5).
func TestDelta_ReportedDeleteReappears(t *testing.T) {
	state := sectionsOf(obj(t, `{"desired":{"a":1},"reported":{"a":1}}`))
	if d, _ := delta(state.Desired, nil, state.Reported); len(d) != 0 {
		t.Fatalf("in sync, delta = %s", js(d))
	}
	state, _ = apply(state, Sections{}, mustParse(t, `{"state":{"reported":{"a":null}}}`), 1)
	if d, _ := delta(state.Desired, nil, state.Reported); js(d) != `{"a":1}` {
		t.Fatalf("delta = %s, want {\"a\":1}", js(d))
	}
}
