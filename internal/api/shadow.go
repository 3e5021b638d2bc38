package api

import (
	"context"
	"errors"
	"regexp"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/shadow"
)

// ShadowService is the Device Shadow service as the iot-data shadow routes
// use it (spec §1.9); *shadow.Service implements it. Documents travel as
// the raw JSON AWS specifies (spec §1.4); failures the caller caused are
// *shadow.Error values, which shadowError turns into AWS's HTTP shapes.
type ShadowService interface {
	// Get returns the shadow's document; name "" is the classic shadow.
	Get(ctx context.Context, thing, name string) ([]byte, error)
	// Update applies the update request body and returns the accepted
	// document. It also publishes the MQTT accepted, delta and documents
	// messages, as an MQTT update would.
	Update(ctx context.Context, thing, name string, body []byte) ([]byte, error)
	// Delete deletes the shadow and returns {"version","timestamp"}.
	Delete(ctx context.Context, thing, name string) ([]byte, error)
	// ListNamed returns one page of the thing's named shadows; pageSize
	// 0 is the service's default.
	ListNamed(ctx context.Context, thing, nextToken string, pageSize int) (shadow.ListPage, error)
}

// shadowName is the ShadowName pattern of the iot-data model: it also
// allows "$", for AWS's reserved names (spec §1.1).
var shadowName = iot.NamePattern{What: "shadowName", Re: regexp.MustCompile(`^[$a-zA-Z0-9:_-]+$`), Min: 1, Max: 64}

// maxShadowPage is ListNamedShadowsForThing's largest pageSize (spec §1.9).
const maxShadowPage = 100

func (s *Server) shadowRoutes() []route {
	const path = "/things/{thingName}/shadow"
	return []route{
		dataRoute("GetThingShadow", "GET", path, []string{"name"}, s.getThingShadow),
		dataRoute("UpdateThingShadow", "POST", path, []string{"name"}, s.updateThingShadow),
		dataRoute("DeleteThingShadow", "DELETE", path, []string{"name"}, s.deleteThingShadow),
		dataRoute("ListNamedShadowsForThing", "GET", "/api/things/shadow/ListNamedShadowsForThing/{thingName}",
			[]string{"nextToken", "pageSize"}, s.listNamedShadows),
	}
}

// getThingShadow serves GetThingShadow: GET /things/{thingName}/shadow.
func (s *Server) getThingShadow(ctx context.Context, r *Request) (any, error) {
	thing, name, err := s.shadowTarget(r, "iot:GetThingShadow")
	if err != nil {
		return nil, err
	}
	doc, err := s.svc.Shadows.Get(ctx, thing, name)
	return rawJSON(doc), shadowError(err)
}

// updateThingShadow serves UpdateThingShadow: POST
// /things/{thingName}/shadow with the update request as the body.
func (s *Server) updateThingShadow(ctx context.Context, r *Request) (any, error) {
	thing, name, err := s.shadowTarget(r, "iot:UpdateThingShadow")
	if err != nil {
		return nil, err
	}
	doc, err := s.svc.Shadows.Update(ctx, thing, name, r.Body)
	return rawJSON(doc), shadowError(err)
}

// deleteThingShadow serves DeleteThingShadow: DELETE
// /things/{thingName}/shadow.
func (s *Server) deleteThingShadow(ctx context.Context, r *Request) (any, error) {
	thing, name, err := s.shadowTarget(r, "iot:DeleteThingShadow")
	if err != nil {
		return nil, err
	}
	doc, err := s.svc.Shadows.Delete(ctx, thing, name)
	return rawJSON(doc), shadowError(err)
}

type listNamedShadowsOutput struct {
	Results   []string `json:"results"`
	NextToken string   `json:"nextToken,omitempty"`
	Timestamp int64    `json:"timestamp"` // epoch seconds (spec §6.1)
}

// listNamedShadows serves ListNamedShadowsForThing. A certificate caller
// needs iot:ListNamedShadowsForThing on the thing's ARN (spec §2.2).
func (s *Server) listNamedShadows(ctx context.Context, r *Request) (any, error) {
	thing := r.Label("thingName")
	if err := iot.ThingName.Check(thing); err != nil {
		return nil, err
	}
	if !r.Caller.allowed("iot:ListNamedShadowsForThing", s.cfg.Account.ARN(iot.TypeThing, thing)) {
		return nil, iot.Errorf(iot.ForbiddenException, "the caller's policies do not allow listing the shadows of %s", thing)
	}
	size, err := r.QueryInt("pageSize", 0, 1, maxShadowPage)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Shadows.ListNamed(ctx, thing, r.Query("nextToken"), size)
	if err != nil {
		return nil, shadowError(err)
	}
	out := listNamedShadowsOutput{Results: page.Results, NextToken: page.NextToken, Timestamp: page.Timestamp}
	if out.Results == nil {
		out.Results = []string{}
	}
	return out, nil
}

// shadowTarget returns the thing and shadow name ("" = classic) a shadow
// request is about, after checking both names and that the caller may
// perform action on the shadow's ARN: thing/{thing} for the classic
// shadow, thing/{thing}/{shadow} for a named one (spec §1.9, §2.2).
// The names are checked first, so that no name can reach into another
// resource's ARN.
func (s *Server) shadowTarget(r *Request, action string) (thing, name string, err error) {
	thing = r.Label("thingName")
	if err := iot.ThingName.Check(thing); err != nil {
		return "", "", err
	}
	resource := thing
	if r.HTTP.URL.Query().Has("name") {
		name = r.Query("name")
		if err := shadowName.Check(name); err != nil {
			return "", "", err
		}
		resource += "/" + name
	}
	if !r.Caller.allowed(action, s.cfg.Account.ARN(iot.TypeThing, resource)) {
		return "", "", iot.Errorf(iot.ForbiddenException, "the caller's policies do not allow %s on %s", action, resource)
	}
	return thing, name, nil
}

// shadowError turns the shadow service's *shadow.Error into AWS's HTTP
// error: its type name and status, and its message as the body (spec
// §1.7). The status is the shadow's own, since iot-data's statuses differ
// from iot's for the same shape (ThrottlingException is 429). Other
// errors pass through unchanged.
func shadowError(err error) error {
	if err == nil {
		return nil
	}
	var se *shadow.Error
	if !errors.As(err, &se) {
		return err
	}
	e := iot.Errorf(iot.Code(se.Type()), "%s", se.Message)
	if e.Code != iot.InternalFailureException && e.Code.Status() != se.Code {
		e.HTTPStatus = se.Code
	}
	return e
}

var _ ShadowService = (*shadow.Service)(nil)
