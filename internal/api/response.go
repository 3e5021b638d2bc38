package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

// writeJSON writes v as the JSON body of a response with status; nil is {}.
// A rawJSON value is written as it is.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) int {
	body := []byte("{}")
	switch raw := v.(type) {
	case nil:
	case rawJSON:
		if len(raw) > 0 {
			body = raw
		}
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return s.writeError(w, err)
		}
		body = b
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

// rawJSON is a response body that is JSON already, such as a shadow
// document: writeJSON sends it byte for byte, without re-encoding.
type rawJSON []byte

// errorBody is AWS's rest-json error body. It never carries a numeric
// "code" member: aws-sdk-go-v2 fails on one (spec §6.3).
type errorBody struct {
	Message     string `json:"message"`
	ResourceID  string `json:"resourceId,omitempty"`
	ResourceArn string `json:"resourceArn,omitempty"`
}

// writeError is the one place where the API's errors become HTTP
// responses. Errors that are not *iot.Error are hob's own failures:
// logged, and answered without their details.
func (s *Server) writeError(w http.ResponseWriter, err error) int {
	if _, ok := iot.AsError(err); !ok {
		s.log.Error("api: internal error", "err", err)
	}
	return WriteError(w, err)
}

// WriteError answers with err in AWS's rest-json error shape: the
// x-amzn-ErrorType header names the shape, the status is AWS's for it, the
// body carries the message (spec §3.0). An error that is not an *iot.Error
// is answered as InternalFailureException without its details; the caller
// logs it. It returns the status written. Other handlers on the same port
// (the MQTT WebSocket upgrade) use it so every error there looks alike.
func WriteError(w http.ResponseWriter, err error) int {
	e, ok := iot.AsError(err)
	if !ok {
		e = iot.Errorf(iot.InternalFailureException, "internal failure; the server log has the details")
	}
	body, _ := json.Marshal(errorBody{Message: e.Message, ResourceID: e.ResourceID, ResourceArn: e.ResourceArn})
	w.Header().Set("x-amzn-ErrorType", string(e.Code))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status())
	_, _ = w.Write(body)
	return e.Status()
}

// Time is a timestamp that encodes as AWS's rest-json does: a JSON number
// of epoch seconds with a millisecond fraction (spec §3.0, §6.1).
type Time time.Time

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// timePtr returns a *Time for t, or nil for the zero time (omitted).
func timePtr(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	tt := Time(t)
	return &tt
}
