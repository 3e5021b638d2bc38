package console

import (
	"encoding/json"
	"net/http"

	"github.com/hob-iot/hob/internal/iot"
)

// contentSecurityPolicy allows the console's own scripts, styles and
// images, fetches to hob and WebSockets (MQTT), and nothing external; no
// one may frame it.
const contentSecurityPolicy = "default-src 'self'; connect-src 'self' wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// setSecurityHeaders sets the headers every console response carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// errorBody is AWS's rest-json error body, the shape internal/api writes,
// duplicated here because console may not import api.
type errorBody struct {
	Message string `json:"message"`
}

// writeError writes e in AWS's error shape: x-amzn-ErrorType and
// {"message": ...}.
func writeError(w http.ResponseWriter, e *iot.Error) {
	w.Header().Set("x-amzn-ErrorType", string(e.Code))
	writeJSON(w, e.Status(), errorBody{Message: e.Message})
}

// writeJSON writes v as JSON with status; console answers are never
// cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"internal failure"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
