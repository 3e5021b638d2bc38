package shadow

import (
	"strings"
	"testing"
)

// badUpdates are update bodies AWS rejects, with its code and message
// (spec §1.3, §1.7, §1.8), and whether the rejection echoes the token.
var badUpdates = []struct {
	name, body string
	code       int
	msg        string
	token      string
}{
	{"not JSON", `{"state":`, 400, "Invalid JSON", ""},
	{"trailing data", `{"state":{}} x`, 400, "Invalid JSON", ""},
	{"empty", ``, 400, "Invalid JSON", ""},
	{"not an object", `[1,2]`, 400, "Invalid JSON", ""},
	{"a string", `"state"`, 400, "Invalid JSON", ""},
	{"invalid UTF-8", "{\"state\":{\"desired\":{\"a\":\"\xff\"}}}", 415, "Unsupported documented encoding; supported encoding is UTF-8", ""},
	{"state missing", `{"clientToken":"t1"}`, 400, "Missing required node: state", "t1"},
	{"state a string", `{"state":"on","clientToken":"t1"}`, 400, "State node must be an object", "t1"},
	{"state an array", `{"state":[]}`, 400, "State node must be an object", ""},
	{"desired a number", `{"state":{"desired":1},"clientToken":"t1"}`, 400, "Desired node must be an object", "t1"},
	{"reported an array", `{"state":{"reported":[1]}}`, 400, "Reported node must be an object", ""},
	{"delta under state", `{"state":{"delta":{"a":1}},"clientToken":"t1"}`, 400, "State contains an invalid node: 'delta'", "t1"},
	{"token a number", `{"state":{},"clientToken":5}`, 400, "Invalid clientToken", ""},
	{"token too long", `{"state":{},"clientToken":"` + strings.Repeat("x", 65) + `"}`, 400, "Invalid clientToken", ""},
	{"version a string", `{"state":{},"version":"1","clientToken":"t1"}`, 400, "Invalid version", "t1"},
	{"version a fraction", `{"state":{},"version":1.5}`, 400, "Invalid version", ""},
	{"version an object", `{"state":{},"version":{}}`, 400, "Invalid version", ""},
	{"too deep", `{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}},"clientToken":"t1"}`, 400, "JSON contains too many levels of nesting; maximum is 6", "t1"},
	{"too deep in arrays", `{"state":{"reported":{"a":[[[[[[1]]]]]]}}}`, 400, "JSON contains too many levels of nesting; maximum is 6", ""},
	{"array with null", `{"state":{"desired":{"l":[1,null]}}}`, 400, msgArrayNull, ""},
	{"too large", `{"state":{"desired":{"a":"` + strings.Repeat("x", DefaultMaxRequestBytes) + `"}}}`, 413, "The payload exceeds the maximum size allowed", ""},
}

func TestParseUpdate_Bad(t *testing.T) {
	for _, c := range badUpdates {
		t.Run(c.name, func(t *testing.T) {
			_, e := parseUpdate([]byte(c.body), limits{MaxDepth: DefaultMaxDepth, MaxRequestBytes: DefaultMaxRequestBytes})
			if e == nil {
				t.Fatalf("accepted %s", c.body)
			}
			if e.Code != c.code || e.Message != c.msg || e.ClientToken != c.token {
				t.Fatalf("got %d %q token %q, want %d %q token %q", e.Code, e.Message, e.ClientToken, c.code, c.msg, c.token)
			}
		})
	}
}

func TestParseUpdate_Good(t *testing.T) {
	cases := []struct {
		name, body string
		check      func(*updateReq) bool
	}{
		{"depth 6 allowed", `{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}}}`, func(r *updateReq) bool { return r.State[desired].Present }},
		{"token 64 bytes", `{"state":{},"clientToken":"` + strings.Repeat("x", 64) + `"}`, func(r *updateReq) bool { return len(r.ClientToken) == 64 }},
		{"version", `{"state":{},"version":12}`, func(r *updateReq) bool { return r.HasVersion && r.Version == 12 }},
		{"version null is absent", `{"state":{},"version":null}`, func(r *updateReq) bool { return !r.HasVersion }},
		{"state null", `{"state":null}`, func(r *updateReq) bool {
			return r.State[desired].Present && r.State[reported].Present && r.State[desired].Value == nil
		}},
		{"empty state", `{"state":{}}`, func(r *updateReq) bool { return !r.State[desired].Present && !r.State[reported].Present }},
		{"unknown top-level key ignored", `{"state":{"reported":{"a":1}},"foo":[1]}`, func(r *updateReq) bool { return r.State[reported].Value != nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := mustParse(t, c.body); !c.check(r) {
				t.Fatalf("parsed %s wrongly: %+v", c.body, r)
			}
		})
	}
}

func TestParseClientToken(t *testing.T) {
	cases := []struct {
		payload, token string
		code           int
	}{
		{``, "", 0},
		{`{}`, "", 0},
		{`{"clientToken":"abc","other":1}`, "abc", 0},
		{`{"clientToken":1}`, "", 400},
		{`nope`, "", 400},
		{`[]`, "", 400},
	}
	for _, c := range cases {
		tok, e := parseClientToken([]byte(c.payload))
		if (e == nil) != (c.code == 0) || (e != nil && e.Code != c.code) || tok != c.token {
			t.Errorf("parseClientToken(%s) = %q, %v; want %q, code %d", c.payload, tok, e, c.token, c.code)
		}
	}
}

// FuzzParseUpdate: the parser never panics, and what it accepts can be
// applied, stays within the depth limit and rendered back.
func FuzzParseUpdate(f *testing.F) {
	for _, c := range badUpdates {
		if len(c.body) < 1024 {
			f.Add([]byte(c.body))
		}
	}
	f.Add([]byte(`{"state":{"desired":{"a":1,"o":{"x":[1,2]}},"reported":null},"version":3,"clientToken":"x"}`))
	f.Add([]byte(`{"state":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := parseUpdate(body, limits{MaxDepth: DefaultMaxDepth, MaxRequestBytes: DefaultMaxRequestBytes})
		if e != nil {
			if e.Code == 0 || e.Message == "" {
				t.Fatalf("error without code or message: %+v", e)
			}
			return
		}
		for _, su := range req.State {
			if depth(su.Value) > DefaultMaxDepth {
				t.Fatalf("accepted depth %d", depth(su.Value))
			}
		}
		state, meta := apply(Sections{}, Sections{}, req, 1)
		checkMirror(t, state, meta)
		if _, err := decodeJSON(renderAccepted(req, 1, 1)); err != nil {
			t.Fatalf("accepted document is not JSON: %v", err)
		}
	})
}
