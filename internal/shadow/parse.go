package shadow

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// section is one side of a shadow's state: desired or reported.
type section int

const (
	desired section = iota
	reported
)

func (s section) String() string { return [...]string{"desired", "reported"}[s] }

// sectionUpdate is what an update request says about one section.
type sectionUpdate struct {
	Present bool           // the request has the key
	Value   map[string]any // nil with Present: the section is deleted
}

// updateReq is a validated update request document (spec §1.3).
type updateReq struct {
	// State holds the desired and reported parts, indexed by section.
	// "state": null sets both to present and nil.
	State       [2]sectionUpdate
	ClientToken string
	Version     int64
	HasVersion  bool
}

// limits bounds an update request (spec §1.8).
type limits struct {
	MaxRequestBytes int // whole request body
	MaxDepth        int // nesting inside desired and reported
}

// maxClientToken is the longest clientToken AWS accepts, in bytes (spec §1.3).
const maxClientToken = 64

// Error messages AWS sends (spec §1.7).
const (
	msgInvalidJSON     = "Invalid JSON"
	msgMissingState    = "Missing required node: state"
	msgStateObject     = "State node must be an object"
	msgInvalidVersion  = "Invalid version"
	msgInvalidToken    = "Invalid clientToken"
	msgVersionConflict = "Version conflict"
	msgTooLarge        = "The payload exceeds the maximum size allowed"
	msgEncoding        = "Unsupported documented encoding; supported encoding is UTF-8"
	msgInternal        = "Internal service failure"
	msgArrayNull       = "Arrays must not contain null values" // [inf]: AWS's text is not public
)

// parseUpdate validates an update request body and returns it, or an *Error
// with AWS's code and message. The error carries the request's clientToken
// whenever the body has a valid one, so a rejection can echo it. Checks run
// in the order of spec §1.3: size, JSON, UTF-8, structure, clientToken,
// version type, depth. The version match (409) and the merged size (413)
// need the stored shadow and are checked later.
func parseUpdate(body []byte, lim limits) (*updateReq, *Error) {
	if lim.MaxRequestBytes > 0 && len(body) > lim.MaxRequestBytes {
		return nil, errorf(http.StatusRequestEntityTooLarge, msgTooLarge)
	}
	top, perr := parseObject(body)
	if perr != nil {
		return nil, perr
	}
	token, tokenOK := clientToken(top)
	fail := func(code int, msg string) (*updateReq, *Error) {
		e := errorf(code, "%s", msg)
		if tokenOK {
			e.ClientToken = token
		}
		return nil, e
	}
	req := &updateReq{ClientToken: token}
	if msg := parseState(top, req); msg != "" {
		return fail(http.StatusBadRequest, msg)
	}
	if !tokenOK {
		return fail(http.StatusBadRequest, msgInvalidToken)
	}
	if msg := parseVersion(top, req); msg != "" {
		return fail(http.StatusBadRequest, msg)
	}
	if msg := checkValues(req, lim.MaxDepth); msg != "" {
		return fail(http.StatusBadRequest, msg)
	}
	return req, nil
}

// parseObject decodes body, which must be UTF-8 JSON holding an object.
func parseObject(body []byte) (map[string]any, *Error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, msgInvalidJSON)
	}
	if !utf8.Valid(body) {
		return nil, errorf(http.StatusUnsupportedMediaType, msgEncoding)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(http.StatusBadRequest, msgInvalidJSON)
	}
	return top, nil
}

// clientToken returns the request's clientToken and whether it is valid:
// absent, or a string of at most 64 bytes (spec §1.3).
func clientToken(top map[string]any) (string, bool) {
	v, ok := top["clientToken"]
	if !ok {
		return "", true
	}
	s, ok := v.(string)
	if !ok || len(s) > maxClientToken {
		return "", false
	}
	return s, true
}

// parseState fills req.State from top["state"] and returns AWS's message
// when the structure is wrong, or "" (spec §1.3). Other top-level keys are
// ignored, as AWS does.
func parseState(top map[string]any, req *updateReq) string {
	raw, ok := top["state"]
	if !ok {
		return msgMissingState
	}
	if raw == nil {
		req.State[desired] = sectionUpdate{Present: true}
		req.State[reported] = sectionUpdate{Present: true}
		return ""
	}
	state, ok := raw.(map[string]any)
	if !ok {
		return msgStateObject
	}
	for k := range state {
		if k != "desired" && k != "reported" {
			return fmt.Sprintf("State contains an invalid node: '%s'", k)
		}
	}
	for _, sec := range []section{desired, reported} {
		v, ok := state[sec.String()]
		if !ok {
			continue
		}
		m, isObj := v.(map[string]any)
		if v != nil && !isObj {
			return fmt.Sprintf("%s node must be an object", [...]string{"Desired", "Reported"}[sec])
		}
		req.State[sec] = sectionUpdate{Present: true, Value: m}
	}
	return ""
}

// parseVersion fills req.Version from an integer "version" (null counts as
// absent) and returns AWS's message when it is not an integer, or "".
func parseVersion(top map[string]any, req *updateReq) string {
	v, ok := top["version"]
	if !ok || v == nil {
		return ""
	}
	n, ok := v.(json.Number)
	if !ok {
		return msgInvalidVersion
	}
	ver, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return msgInvalidVersion
	}
	req.Version, req.HasVersion = ver, true
	return ""
}

// checkValues checks the nesting depth of each section (spec §1.8: at most
// maxDepth levels inside desired and reported) and rejects arrays holding
// null (spec §1.3 rule 3).
func checkValues(req *updateReq, maxDepth int) string {
	for _, su := range req.State {
		if su.Value == nil {
			continue
		}
		if maxDepth > 0 && depth(su.Value) > maxDepth {
			return fmt.Sprintf("JSON contains too many levels of nesting; maximum is %d", maxDepth)
		}
		if arrayHasNull(su.Value) {
			return msgArrayNull
		}
	}
	return ""
}

// parseClientToken reads the clientToken of a get or delete request, whose
// other content AWS ignores (spec §1.2). An empty payload has no token.
func parseClientToken(payload []byte) (string, *Error) {
	if len(payload) == 0 {
		return "", nil
	}
	top, perr := parseObject(payload)
	if perr != nil {
		return "", perr
	}
	token, ok := clientToken(top)
	if !ok {
		return "", errorf(http.StatusBadRequest, msgInvalidToken)
	}
	return token, nil
}
