package shadow

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// A JSON value in this package is one of: map[string]any (object), []any
// (array), json.Number, string, bool or nil. Numbers stay json.Number so
// their text survives a round trip (1.0 stays 1.0, big integers keep every
// digit). Values reachable from a stored document are never modified in
// place; merge copies what it changes.

// decodeJSON decodes exactly one JSON value from b, keeping numbers as
// json.Number. Trailing data after the value is an error.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// encodeJSON encodes v without HTML escaping and without a trailing
// newline. Object keys come out sorted (encoding/json's order for maps).
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values this package built reach here: maps, slices,
		// json.Number from the decoder, strings, bools, nil and structs
		// of those. A failure is a bug, not bad input.
		panic("shadow: encode: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// depth is the nesting depth of v: 0 for a scalar, 1 + the deepest child
// for an object or array.
func depth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			d = max(d, depth(c))
		}
	case []any:
		for _, c := range v {
			d = max(d, depth(c))
		}
	default:
		return 0
	}
	return d + 1
}

// equal reports whether a and b are the same JSON value: objects by key,
// arrays element by element in order, numbers by their text.
func equal(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !equal(a[i], b[i]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// arrayHasNull reports whether v holds, at any depth, an array with a null
// element, which AWS rejects (spec §1.3 rule 3).
func arrayHasNull(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			if arrayHasNull(c) {
				return true
			}
		}
	case []any:
		for _, c := range v {
			if c == nil || arrayHasNull(c) {
				return true
			}
		}
	}
	return false
}

// jsonNumber is json.Number, named here so files that only read numbers
// need not import encoding/json.
type jsonNumber = json.Number
