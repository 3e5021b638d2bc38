package shadow

import (
	"fmt"
)

// Sections holds a shadow's desired and reported parts (state or
// metadata). A nil map is an absent section; an empty section is never
// stored (spec §1.3 rule 6).
type Sections struct {
	Desired  map[string]any `json:"desired,omitempty"`
	Reported map[string]any `json:"reported,omitempty"`
}

// get returns one section.
func (s Sections) get(sec section) map[string]any {
	if sec == desired {
		return s.Desired
	}
	return s.Reported
}

// set replaces one section; an empty map is stored as absent.
func (s *Sections) set(sec section, m map[string]any) {
	if len(m) == 0 {
		m = nil
	}
	if sec == desired {
		s.Desired = m
	} else {
		s.Reported = m
	}
}

// Document is a stored shadow: its state, the metadata that mirrors it
// with a {"timestamp":T} at every leaf, and its version (spec §1.4). A
// document with DeletedAt > 0 is a tombstone: the shadow was deleted at
// that time (epoch seconds) and only its version is kept (spec §1.6).
type Document struct {
	State     Sections `json:"state"`
	Metadata  Sections `json:"metadata"`
	Version   int64    `json:"version"`
	DeletedAt int64    `json:"deletedAt,omitempty"`
}

// decodeDocument decodes a stored document.
func decodeDocument(b []byte) (*Document, error) {
	v, err := decodeJSON(b)
	if err != nil {
		return nil, fmt.Errorf("shadow: stored document: %w", err)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("shadow: stored document is not an object")
	}
	d := &Document{}
	d.State = sectionsOf(top["state"])
	d.Metadata = sectionsOf(top["metadata"])
	d.Version, err = intOf(top["version"])
	if err != nil {
		return nil, fmt.Errorf("shadow: stored document: version: %w", err)
	}
	if d.DeletedAt, err = intOf(top["deletedAt"]); err != nil {
		return nil, fmt.Errorf("shadow: stored document: deletedAt: %w", err)
	}
	return d, nil
}

// sectionsOf reads {"desired":{..},"reported":{..}} from a decoded value.
func sectionsOf(v any) Sections {
	m, _ := v.(map[string]any)
	var s Sections
	s.Desired, _ = m["desired"].(map[string]any)
	s.Reported, _ = m["reported"].(map[string]any)
	return s
}

// intOf reads an integer from a decoded json.Number; absent is 0.
func intOf(v any) (int64, error) {
	if v == nil {
		return 0, nil
	}
	n, ok := v.(jsonNumber)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return n.Int64()
}
