package shadow

import "maps"

// mergeObject applies the update object upd to the stored object old and
// its metadata oldMeta, writing ts as the timestamp of every leaf upd
// writes, and returns the new object and metadata. It follows spec §1.3:
//
//  1. objects merge recursively; keys upd does not mention are untouched;
//  2. a null value deletes its key at any depth;
//  3. arrays are values, replaced whole;
//  4. a value of another type replaces the old one.
//
// old and oldMeta are not modified: changed levels are copied. Objects
// left empty inside a section are kept ({}); only a whole empty section is
// dropped (Sections.set).
func mergeObject(old, oldMeta, upd map[string]any, ts int64) (state, meta map[string]any) {
	state = maps.Clone(old)
	meta = maps.Clone(oldMeta)
	if state == nil {
		state = make(map[string]any, len(upd))
	}
	if meta == nil {
		meta = make(map[string]any, len(upd))
	}
	for k, v := range upd {
		if v == nil { // rule 2
			delete(state, k)
			delete(meta, k)
			continue
		}
		newObj, isObj := v.(map[string]any)
		if !isObj { // rules 3 and 4: scalars and arrays replace
			state[k] = v
			meta[k] = metaOf(v, ts)
			continue
		}
		oldObj, _ := state[k].(map[string]any)    // nil unless both are objects (rule 1)
		oldObjMeta, _ := meta[k].(map[string]any) // likewise for its metadata
		if oldObj == nil {
			oldObjMeta = nil
		}
		state[k], meta[k] = mergeObject(oldObj, oldObjMeta, newObj, ts)
	}
	return state, meta
}

// apply merges the validated request req into the shadow (state, meta) and
// returns the new state and metadata; ts stamps every leaf it writes.
// A present null section deletes it (spec §1.3 rule 5).
func apply(state, meta Sections, req *updateReq, ts int64) (Sections, Sections) {
	for _, sec := range []section{desired, reported} {
		su := req.State[sec]
		if !su.Present {
			continue
		}
		if su.Value == nil {
			state.set(sec, nil)
			meta.set(sec, nil)
			continue
		}
		s, m := mergeObject(state.get(sec), meta.get(sec), su.Value, ts)
		state.set(sec, s)
		meta.set(sec, m)
	}
	return state, meta
}
