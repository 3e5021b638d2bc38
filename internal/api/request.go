package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/hob-iot/hob/internal/iot"
)

// Request is one API call: the HTTP request, its body, the authenticated
// caller and the route's path labels.
type Request struct {
	HTTP   *http.Request
	Body   []byte
	Caller Caller
	labels map[string]string
}

// Label returns the percent-decoded value of the path label name.
func (r *Request) Label(name string) string { return r.labels[name] }

// Query returns the query parameter name ("" when absent).
func (r *Request) Query(name string) string { return r.HTTP.URL.Query().Get(name) }

// Header returns the request header name ("" when absent).
func (r *Request) Header(name string) string { return r.HTTP.Header.Get(name) }

// QueryBool parses the boolean query parameter name ("true"/"false",
// spec §3.0); absent gives def.
func (r *Request) QueryBool(name string, def bool) (bool, error) {
	v := r.Query(name)
	switch v {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, iot.Errorf(iot.InvalidRequestException, "query parameter %s must be true or false, got %q", name, v)
}

// QueryInt parses the integer query parameter name, which must lie in
// [min, max]; absent gives def.
func (r *Request) QueryInt(name string, def, min, max int) (int, error) {
	v := r.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, iot.Errorf(iot.InvalidRequestException,
			"query parameter %s must be an integer from %d to %d, got %q", name, min, max, v)
	}
	return n, nil
}

// checkQuery rejects query parameters that the operation does not define.
func (r *Request) checkQuery(allowed []string) error {
	for name := range r.HTTP.URL.Query() {
		if !slices.Contains(allowed, name) {
			return iot.Errorf(iot.InvalidRequestException, "unknown query parameter %q for this operation", name)
		}
	}
	return nil
}

// Decode parses the JSON body into v. An empty body leaves v as it is.
// Malformed JSON, a value of the wrong type and a member the operation
// does not define are InvalidRequestExceptions that say where.
func (r *Request) Decode(v any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return iot.Errorf(iot.InvalidRequestException, "request body has data after the JSON object")
	}
	return nil
}

// decodeError words a JSON decoding failure as AWS's InvalidRequestException.
func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return iot.Errorf(iot.InvalidRequestException, "request body is not valid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "request body"
		}
		return iot.Errorf(iot.InvalidRequestException, "%s must be %s, got JSON %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return iot.Errorf(iot.InvalidRequestException, "request body is truncated JSON")
	}
	return iot.Errorf(iot.InvalidRequestException, "request body: %s", trimJSONPrefix(err.Error()))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	case "int", "int32", "int64", "uint", "uint32", "uint64", "float64", "float32":
		return "a number"
	}
	return fmt.Sprintf("a %s", goKind)
}

func trimJSONPrefix(s string) string {
	if len(s) > 6 && s[:6] == "json: " {
		return s[6:]
	}
	return s
}
