package shadow

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// byteStream turns fuzz input into choices; it yields 0s once exhausted.
type byteStream struct{ b []byte }

func (s *byteStream) next(n int) int {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return int(c) % n
}

// genValue makes a random JSON value of at most depth levels, with nulls
// (deletes) where allowed.
func genValue(s *byteStream, depth int, nulls bool) any {
	switch s.next(8) {
	case 0:
		if nulls {
			return nil
		}
		return json.Number("0")
	case 1, 2:
		if depth > 0 {
			return genObject(s, depth-1, nulls)
		}
	case 3:
		return []any{json.Number(fmt.Sprint(s.next(3))), "s"}
	case 4:
		return s.next(2) == 1
	case 5:
		return []string{"x", "y", "z"}[s.next(3)]
	}
	return json.Number(fmt.Sprint(s.next(4)))
}

func genObject(s *byteStream, depth int, nulls bool) map[string]any {
	m := map[string]any{}
	for range s.next(4) {
		m[[]string{"a", "b", "c", "d"}[s.next(4)]] = genValue(s, depth, nulls)
	}
	return m
}

// genUpdate makes a random update body for a shadow at version cur.
func genUpdate(s *byteStream, cur int64) []byte {
	state := map[string]any{}
	for _, sec := range []string{"desired", "reported"} {
		switch s.next(4) {
		case 0:
		case 1:
			state[sec] = nil
		default:
			state[sec] = genObject(s, 3, true)
		}
	}
	body := map[string]any{"state": state}
	switch s.next(4) {
	case 0:
		body["version"] = cur
	case 1:
		body["version"] = cur + 1 - int64(s.next(3))
	}
	return encodeJSON(body)
}

// FuzzUpdateSequence applies random update sequences and checks the
// invariants of spec §1.3-1.6 after every step: the version grows by one
// on every accepted update and not otherwise, the delta is desired minus
// reported, metadata mirrors state, and the document survives storage.
func FuzzUpdateSequence(f *testing.F) {
	f.Add([]byte("\x02\x02\x01\x02\x03\x02\x01\x05\x07\x02\x02\x03\x01\x00"))
	f.Add([]byte(strings.Repeat("\x03\x02\x02\x01\x02\x02\x03\x04\x01", 8)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &byteStream{data}
		rules := docRules{MaxStateBytes: 512, TombstoneTTL: 100}
		var cur *Document
		for step := int64(1); len(s.b) > 0 && step < 64; step++ {
			body := genUpdate(s, baseVersion(cur, step, rules))
			req, e := parseUpdate(body, limits{MaxDepth: DefaultMaxDepth, MaxRequestBytes: DefaultMaxRequestBytes})
			if e != nil {
				t.Fatalf("generated body rejected: %s: %v", body, e)
			}
			out, e := updateDocument(cur, req, step, rules)
			if e != nil {
				if e.Code != 409 && e.Code != 413 {
					t.Fatalf("unexpected %v for %s", e, body)
				}
				continue
			}
			if want := baseVersion(cur, step, rules) + 1; out.Doc.Version != want {
				t.Fatalf("version %d, want %d", out.Doc.Version, want)
			}
			checkDocument(t, out)
			cur = roundTrip(t, out.Doc)
			if s.next(16) == 0 {
				cur = &Document{Version: cur.Version, DeletedAt: step}
			}
		}
	})
}

// checkDocument checks the invariants of one accepted update's outcome.
func checkDocument(t *testing.T, out *updateOutcome) {
	t.Helper()
	d := out.Doc
	checkMirror(t, d.State, d.Metadata)
	got, _ := delta(d.State.Desired, d.Metadata.Desired, d.State.Reported)
	if want := expectedDelta(d.State.Desired, d.State.Reported); js(got) != js(want) {
		t.Fatalf("delta %s, want %s\nstate %s", js(got), js(want), js(d.State))
	}
	if (len(got) == 0) != (out.Delta == nil) {
		t.Fatalf("delta %s but published %s", js(got), out.Delta)
	}
}

// roundTrip stores and reloads d as the service does.
func roundTrip(t *testing.T, d *Document) *Document {
	t.Helper()
	back, err := decodeDocument(encodeJSON(d))
	if err != nil || js(back) != js(d) {
		t.Fatalf("document does not survive storage: %s -> %s (%v)", js(d), js(back), err)
	}
	return back
}

// expectedDelta is desired minus reported computed another way than
// delta: over the leaf paths of desired (a leaf is a non-object or an
// empty object), keeping each one that reported does not hold.
func expectedDelta(desired, reported map[string]any) map[string]any {
	out := map[string]any{}
	walkLeaves(desired, nil, func(path []string, v any) {
		r, ok := lookup(reported, path)
		_, vObj := v.(map[string]any)
		_, rObj := r.(map[string]any)
		if ok && (equal(v, r) || vObj && rObj) {
			return
		}
		setPath(out, path, v)
	})
	return out
}

func walkLeaves(m map[string]any, path []string, fn func([]string, any)) {
	for k, v := range m {
		p := append(path[:len(path):len(path)], k)
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			walkLeaves(sub, p, fn)
			continue
		}
		fn(p, v)
	}
}

func lookup(m map[string]any, path []string) (any, bool) {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = o[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func setPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m = sub
	}
	m[path[len(path)-1]] = v
}
