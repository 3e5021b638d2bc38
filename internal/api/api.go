// Package api serves AWS IoT's HTTP APIs: the control plane (`iot`,
// rest-json, signing name "iot") and, in later issues, the data plane
// (`iot-data`, signing names "iotdata" and "iotdevicegateway"), on one
// listener, routed on the raw, still-escaped request path (spec §3.0).
//
// # Request flow
//
// ServeHTTP reads the body (at most Config.MaxBodyBytes), authenticates the
// request with SigV4 (data-plane routes also accept a registered client
// certificate instead, spec §4.12), finds the route, rejects query
// parameters the operation does not define, and calls the route's
// handler. A handler returns a value that is encoded as the JSON body of a
// 200 answer (nil means "{}"), or an error. Errors are turned into HTTP responses in one
// place, writeError: an *iot.Error keeps its shape name, status and
// message; anything else is logged and answered as InternalFailureException.
//
// A request for an operation of AWS's models that hob does not implement
// gets NotImplementedException (501) naming the operation; a request that
// names no operation gets UnknownOperationException (404). Neither is ever
// an HTML page.
package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/iot"
)

// Signing names of the two services (spec §3.0, §5.2).
var (
	controlPlane = []string{"iot"}
	dataPlane    = []string{"iotdata", "iotdevicegateway"}
	anyService   = []string{"iot", "iotdata", "iotdevicegateway"}
)

// Config is what the API needs to know about its deployment.
type Config struct {
	Account      iot.Account // partition, region and account id in ARNs
	DataEndpoint string      // host name DescribeEndpoint returns (no scheme, no port)
	MaxBodyBytes int64       // larger bodies get RequestEntityTooLargeException
}

// Caller is who made a request: the access key that signed it or, on a
// data-plane route, the device whose client certificate authenticated it.
type Caller struct {
	AccessKeyID string // "" for a certificate caller
	Principal   string // e.g. arn:aws:iam::123456789012:user/admin, or a cert ARN
	// Policy is set for a certificate caller: its IoT policies decide
	// what it may do. SigV4 callers have none, since hob has no IAM
	// policies: any valid access key may call any operation.
	Policy PolicyChecker
}

// PolicyChecker answers whether a certificate caller's IoT policies allow
// action ("iot:Publish", ...) on resource (a full ARN).
type PolicyChecker interface {
	Allowed(action, resource string) bool
}

// allowed reports whether c may perform action on resource: SigV4 callers
// always may, certificate callers when their policies say so.
func (c Caller) allowed(action, resource string) bool {
	return c.Policy == nil || c.Policy.Allowed(action, resource)
}

// Authenticator verifies a request's SigV4 signature for one of the given
// signing names. Errors are *iot.Error values with AWS's 403 shapes.
type Authenticator interface {
	Authenticate(r *http.Request, body []byte, services ...string) (Caller, error)
}

// CertificateAuthenticator is an optional interface of an Authenticator:
// it identifies a data-plane caller by the client certificate on the TLS
// connection (spec §4.12, §5.1). The certificate must be registered and
// ACTIVE; refusals are *iot.Error values (ForbiddenException, 403).
type CertificateAuthenticator interface {
	AuthenticateCertificate(r *http.Request) (Caller, error)
}

// Services are the domain operations the routes call. Each interface is
// declared beside the routes that use it.
type Services struct {
	Things        ThingService
	Certificates  CertificateService
	Policies      PolicyService
	Authorization AuthorizationService
	Data          DataService
	Shadows       ShadowService
	TopicRules    TopicRuleService
	Destinations  TopicRuleDestinationService
}

// Server is the HTTP handler for hob's AWS APIs.
type Server struct {
	cfg    Config
	auth   Authenticator
	svc    Services
	log    *slog.Logger
	router router
}

// New returns a Server. All of svc's members must be set.
func New(cfg Config, authn Authenticator, svc Services, log *slog.Logger) *Server {
	s := &Server{cfg: cfg, auth: authn, svc: svc, log: log}
	s.router.add(s.endpointRoutes()...)
	s.router.add(s.thingRoutes()...)
	s.router.add(s.certificateRoutes()...)
	s.router.add(s.policyRoutes()...)
	s.router.add(s.authorizationRoutes()...)
	s.router.add(s.dataRoutes()...)
	s.router.add(s.shadowRoutes()...)
	s.router.add(s.topicRuleRoutes()...)
	s.router.add(s.destinationRoutes()...)
	return s
}

// Operations lists the AWS operation names that hob serves, for the API
// coverage report.
func (s *Server) Operations() []string {
	ops := make([]string, 0, len(s.router.routes))
	for _, rt := range s.router.routes {
		ops = append(ops, rt.op)
	}
	return ops
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	op, status := s.serve(w, r)
	s.log.Debug("api request", "op", op, "method", r.Method, "status", status,
		"duration", time.Since(start), "requestId", reqID)
}

// serve answers r and returns the operation name and status, for the log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) (string, int) {
	body, err := readBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		return "", s.writeError(w, err)
	}
	rt, labels := s.router.match(r.Method, r.URL.EscapedPath())
	services := anyService
	if rt != nil {
		services = rt.services
	}
	id, err := s.authenticate(r, body, rt, services)
	if err != nil {
		return opName(rt), s.writeError(w, err)
	}
	if rt == nil {
		return "", s.writeError(w, unroutable(r.Method, r.URL.EscapedPath()))
	}
	req := &Request{HTTP: r, Body: body, Caller: id, labels: labels}
	if err := req.checkQuery(rt.query); err != nil {
		return rt.op, s.writeError(w, err)
	}
	out, err := rt.handle(r.Context(), req)
	if err != nil {
		return rt.op, s.writeError(w, err)
	}
	return rt.op, s.writeJSON(w, http.StatusOK, out)
}

// authenticate identifies r's caller: by SigV4 for the given signing
// names or, on a route that accepts one, by the client certificate of a
// request that carries no signature (spec §4.12). Control-plane routes
// are SigV4 only.
func (s *Server) authenticate(r *http.Request, body []byte, rt *route, services []string) (Caller, error) {
	if rt != nil && rt.certificates && certificateOnly(r) {
		if ca, ok := s.auth.(CertificateAuthenticator); ok {
			return ca.AuthenticateCertificate(r)
		}
	}
	return s.auth.Authenticate(r, body, services...)
}

// certificateOnly reports whether r came with a client certificate and
// without a SigV4 signature (header or presigned URL).
func certificateOnly(r *http.Request) bool {
	return r.TLS != nil && len(r.TLS.PeerCertificates) > 0 &&
		r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == ""
}

func opName(rt *route) string {
	if rt == nil {
		return ""
	}
	return rt.op
}

// readBody reads r's body, refusing more than limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, iot.Errorf(iot.RequestEntityTooLargeException,
			"request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, limit)
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, iot.Errorf(iot.RequestEntityTooLargeException,
			"request body exceeds the limit of %d bytes", limit)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, iot.Errorf(iot.InvalidRequestException, "reading the request body: %v", err)
	}
	return buf.Bytes(), nil
}

// handlerFunc serves one operation. The returned value is the JSON body.
type handlerFunc func(ctx context.Context, r *Request) (any, error)
