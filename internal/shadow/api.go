package shadow

import "context"

// The iot-data HTTP operations (spec §1.9). Each runs on the worker that
// owns its shadow, like MQTT requests, so HTTP and MQTT requests for one
// shadow are serialized. name "" is the classic shadow. Failures are
// *Error (status and message for the api package to render, spec §1.9),
// or ctx's error when ctx ends first.

// Get returns the GetThingShadow body: the full document with its delta
// (spec §1.4), or a 404 *Error when the shadow does not exist.
func (s *Service) Get(ctx context.Context, thing, name string) ([]byte, error) {
	return s.call(ctx, opGet, thing, name, nil)
}

// Update applies body, an update request document (spec §1.3), and returns
// the UpdateThingShadow body (the update/accepted document). Like AWS it
// also publishes update/accepted, update/delta (when the new state has a
// delta) and update/documents; a failed update publishes nothing.
func (s *Service) Update(ctx context.Context, thing, name string, body []byte) ([]byte, error) {
	return s.call(ctx, opUpdate, thing, name, body)
}

// Delete deletes the shadow, keeping its version for DeletedVersionTTL
// (spec §1.6), and returns the DeleteThingShadow body
// {"version":N,"timestamp":T}; it also publishes delete/accepted [inf].
// A missing shadow is a 404 *Error.
func (s *Service) Delete(ctx context.Context, thing, name string) ([]byte, error) {
	return s.call(ctx, opDelete, thing, name, nil)
}
