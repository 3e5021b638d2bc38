package shadow

// The response documents of spec §1.4. Struct fields give a fixed key
// order; maps inside come out with sorted keys.

// getDocument is the get/accepted and GetThingShadow body.
type getDocument struct {
	State       getState `json:"state"`
	Metadata    Sections `json:"metadata"`
	Version     int64    `json:"version"`
	Timestamp   int64    `json:"timestamp"`
	ClientToken string   `json:"clientToken,omitempty"`
}

type getState struct {
	Desired  map[string]any `json:"desired,omitempty"`
	Reported map[string]any `json:"reported,omitempty"`
	Delta    map[string]any `json:"delta,omitempty"`
}

// renderGet renders the full document with its delta, when there is one.
func renderGet(d *Document, now int64, token string) []byte {
	dl, _ := delta(d.State.Desired, d.Metadata.Desired, d.State.Reported)
	return encodeJSON(getDocument{
		State:    getState{Desired: d.State.Desired, Reported: d.State.Reported, Delta: dl},
		Metadata: d.Metadata, Version: d.Version, Timestamp: now, ClientToken: token,
	})
}

// acceptedDocument is the update/accepted and UpdateThingShadow body: the
// request's sections as sent (nulls included) with metadata mirroring them.
type acceptedDocument struct {
	State       map[string]any `json:"state"`
	Metadata    map[string]any `json:"metadata"`
	Version     int64          `json:"version"`
	Timestamp   int64          `json:"timestamp"`
	ClientToken string         `json:"clientToken,omitempty"`
}

func renderAccepted(req *updateReq, version, ts int64) []byte {
	state, meta := map[string]any{}, map[string]any{}
	for _, sec := range []section{desired, reported} {
		su := req.State[sec]
		if !su.Present {
			continue
		}
		var v any
		if su.Value != nil {
			v = su.Value
		}
		state[sec.String()] = v
		meta[sec.String()] = metaOf(v, ts)
	}
	return encodeJSON(acceptedDocument{state, meta, version, ts, req.ClientToken})
}

// deltaDocument is the update/delta payload: the whole current delta with
// desired-side metadata.
type deltaDocument struct {
	State       map[string]any `json:"state"`
	Metadata    map[string]any `json:"metadata"`
	Timestamp   int64          `json:"timestamp"` // before version, as AWS's example
	Version     int64          `json:"version"`
	ClientToken string         `json:"clientToken,omitempty"`
}

// renderDelta renders d's delta, or returns nil when d has none.
func renderDelta(d *Document, ts int64, token string) []byte {
	state, meta := delta(d.State.Desired, d.Metadata.Desired, d.State.Reported)
	if len(state) == 0 {
		return nil
	}
	return encodeJSON(deltaDocument{state, meta, ts, d.Version, token})
}

// documentsDocument is the update/documents payload; Previous is nil when
// the update created the shadow.
type documentsDocument struct {
	Previous    *versionedDocument `json:"previous,omitempty"`
	Current     versionedDocument  `json:"current"`
	Timestamp   int64              `json:"timestamp"`
	ClientToken string             `json:"clientToken,omitempty"`
}

type versionedDocument struct {
	State    Sections `json:"state"`
	Metadata Sections `json:"metadata"`
	Version  int64    `json:"version"`
}

func renderDocuments(prev, cur *Document, ts int64, token string) []byte {
	doc := documentsDocument{
		Current:   versionedDocument{cur.State, cur.Metadata, cur.Version},
		Timestamp: ts, ClientToken: token,
	}
	if prev != nil {
		doc.Previous = &versionedDocument{prev.State, prev.Metadata, prev.Version}
	}
	return encodeJSON(doc)
}

// deleteDocument is the delete/accepted and DeleteThingShadow body; Version
// is the deleted shadow's version, not incremented (spec §1.4).
type deleteDocument struct {
	Version     int64  `json:"version"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

func renderDelete(version, ts int64, token string) []byte {
	return encodeJSON(deleteDocument{version, ts, token})
}

// errorDocument is the MQTT /rejected payload (spec §1.4). HTTP answers
// carry only the message; the api package renders those (spec §6.3).
type errorDocument struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

func renderError(e *Error, ts int64) []byte {
	return encodeJSON(errorDocument{e.Code, e.Message, ts, e.ClientToken})
}
