package shadow

import "net/http"

// updateOutcome is what an accepted update produces: the document to
// store and the payloads to publish (spec §1.2, §1.4).
type updateOutcome struct {
	Doc       *Document
	Accepted  []byte // update/accepted, and the UpdateThingShadow body
	Delta     []byte // update/delta; nil when the new state has no delta
	Documents []byte // update/documents
}

// docRules are the limits and windows an update is checked against.
type docRules struct {
	MaxStateBytes int   // desired+reported after merge (spec §1.8)
	TombstoneTTL  int64 // seconds a deleted shadow's version is kept (spec §1.6)
}

// baseVersion is the version an update to cur must name and increments:
// the live shadow's, a tombstone's within the TTL, else 0 (spec §1.6).
func baseVersion(cur *Document, now int64, r docRules) int64 {
	switch {
	case cur == nil:
		return 0
	case cur.DeletedAt == 0 || now-cur.DeletedAt < r.TombstoneTTL:
		return cur.Version
	default:
		return 0
	}
}

// updateDocument applies req to cur (nil or a tombstone when the shadow
// does not exist) at time now, or returns AWS's error: 409 when req names
// another version, 413 when the merged state is too large (spec §1.3,
// §1.6, §1.8). cur is not modified.
func updateDocument(cur *Document, req *updateReq, now int64, r docRules) (*updateOutcome, *Error) {
	base := baseVersion(cur, now, r)
	if req.HasVersion && req.Version != base {
		return nil, &Error{Code: http.StatusConflict, Message: msgVersionConflict, ClientToken: req.ClientToken}
	}
	var prev *Document
	if cur != nil && cur.DeletedAt == 0 {
		prev = cur
	}
	next := &Document{Version: base + 1}
	if prev != nil {
		next.State, next.Metadata = prev.State, prev.Metadata
	}
	next.State, next.Metadata = apply(next.State, next.Metadata, req, now)
	if r.MaxStateBytes > 0 && stateSize(next.State) > r.MaxStateBytes {
		return nil, &Error{Code: http.StatusRequestEntityTooLarge, Message: msgTooLarge, ClientToken: req.ClientToken}
	}
	return &updateOutcome{
		Doc:       next,
		Accepted:  renderAccepted(req, next.Version, now),
		Delta:     renderDelta(next, now, req.ClientToken),
		Documents: renderDocuments(prev, next, now, req.ClientToken),
	}, nil
}

// stateSize is the size that AWS's 8 KB limit counts: desired and reported
// as JSON, metadata excluded (spec §1.8).
func stateSize(s Sections) int {
	if s.Desired == nil && s.Reported == nil {
		return 0
	}
	return len(encodeJSON(s))
}
