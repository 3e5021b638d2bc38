package shadow

// stamp is the metadata of one leaf: {"timestamp":T} in epoch seconds
// (spec §1.4, §6.1).
func stamp(ts int64) map[string]any {
	return map[string]any{"timestamp": ts}
}

// metaOf is the metadata of v written at ts: objects mirror v key by key,
// arrays hold the metadata of each element, and every other value
// (scalars and null) is a leaf stamp (spec §1.4).
func metaOf(v any, ts int64) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, c := range v {
			m[k] = metaOf(c, ts)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, c := range v {
			a[i] = metaOf(c, ts)
		}
		return a
	default:
		return stamp(ts)
	}
}
