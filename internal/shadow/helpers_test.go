package shadow

import (
	"testing"
)

// obj decodes a JSON object literal for a test.
func obj(tb testing.TB, s string) map[string]any {
	tb.Helper()
	if s == "" {
		return nil
	}
	v, err := decodeJSON([]byte(s))
	if err != nil {
		tb.Fatalf("bad test JSON %s: %v", s, err)
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		tb.Fatalf("test JSON %s is not an object", s)
	}
	return m
}

// mustParse parses an update body that must be valid.
func mustParse(tb testing.TB, body string) *updateReq {
	tb.Helper()
	req, e := parseUpdate([]byte(body), limits{MaxDepth: DefaultMaxDepth, MaxRequestBytes: DefaultMaxRequestBytes})
	if e != nil {
		tb.Fatalf("parse %s: %v", body, e)
	}
	return req
}

// js renders v as this package does, for comparisons.
func js(v any) string { return string(encodeJSON(v)) }
