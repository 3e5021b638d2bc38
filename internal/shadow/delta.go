package shadow

// delta returns the keys of desired that reported does not match, with the
// desired values, and the desired-side metadata shaped like the result
// (spec §1.5):
//
//   - a key only in desired is in the delta with its whole value;
//   - when both sides hold objects, the delta keeps the path down to the
//     differing leaves, and drops the key when nothing differs;
//   - equal values (arrays compared whole, in order) are left out;
//   - anything else (scalar change, type change, array change) is in the
//     delta with the desired value;
//   - keys only in reported never appear.
//
// The result is empty (not nil) when the sides agree.
func delta(desired, desiredMeta, reported map[string]any) (state, meta map[string]any) {
	state, meta = map[string]any{}, map[string]any{}
	for k, d := range desired {
		r, inReported := reported[k]
		dObj, dIsObj := d.(map[string]any)
		rObj, rIsObj := r.(map[string]any)
		switch {
		case !inReported:
		case dIsObj && rIsObj:
			dm, _ := desiredMeta[k].(map[string]any)
			sub, subMeta := delta(dObj, dm, rObj)
			if len(sub) > 0 {
				state[k], meta[k] = sub, subMeta
			}
			continue
		case equal(d, r):
			continue
		}
		state[k] = d
		if m, ok := desiredMeta[k]; ok {
			meta[k] = m
		}
	}
	return state, meta
}
