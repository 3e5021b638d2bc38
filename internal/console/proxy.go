package console

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/sigv4"
)

// proxyPrefix is where the API proxy lives; the next path segment names
// the signing service.
const proxyPrefix = "/console/api/"

// proxyServices maps the segment after proxyPrefix to the SigV4 signing
// name: the control plane and the data plane (spec §3.0, §5.2).
var proxyServices = map[string]string{"iot": "iot", "iotdata": "iotdata"}

// forwardedHeaders are the browser's headers the API sees: the content
// headers and the AWS request headers that carry operation parameters
// (AttachThingPrincipal's x-amzn-principal, AttachPrincipalPolicy's
// x-amzn-iot-principal, DetachPolicy's x-amzn-iot-policy, the MQTT 5
// publish properties). Cookies, the CSRF token, signing headers and
// anything else stay behind.
var forwardedHeaders = []string{"Accept", "Content-Type", "X-Amzn-Principal", "X-Amzn-Iot-Principal",
	"X-Amzn-Iot-Policy", "X-Amz-Tagging", "X-Amz-Mqtt5-User-Properties", "X-Amz-Mqtt5-Correlation-Data",
	"X-Amz-Mqtt5-Payload-Format-Indicator"}

// serveProxy signs r with the session's access key and hands it to the
// API handler: /console/api/{service}/PATH?QUERY becomes PATH?QUERY signed
// for service, so the API authenticates and authorises it as any other
// SigV4 call.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	sess, apiErr := s.session(w, r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	service, path, ok := splitProxyPath(r.URL.EscapedPath())
	if !ok {
		writeError(w, iot.Errorf(iot.UnknownOperationException, "The console proxies %siot/... and %siotdata/... only.", proxyPrefix, proxyPrefix))
		return
	}
	key, ok := s.cfg.Keys.Key(sess.keyID)
	if !ok {
		c, _ := r.Cookie(CookieName)
		s.sessions.delete(c.Value)
		clearCookie(w)
		writeError(w, iot.Errorf(iot.UnauthorizedException, "The access key %s no longer exists; sign in again.", sess.keyID))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			writeError(w, iot.Errorf(iot.RequestEntityTooLargeException, "The request body is over %d bytes.", s.cfg.MaxBodyBytes))
			return
		}
		writeError(w, iot.Errorf(iot.InvalidRequestException, "Reading the request body: %v", err))
		return
	}
	out, apiErr := s.signedRequest(r, credential{key.ID, key.Secret}, service, path, body)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	s.cfg.API.ServeHTTP(w, out)
}

// splitProxyPath splits an escaped /console/api/{service}/PATH into the
// signing name and the escaped API path ("/" when empty).
func splitProxyPath(escaped string) (service, path string, ok bool) {
	rest := strings.TrimPrefix(escaped, proxyPrefix)
	seg, path, _ := strings.Cut(rest, "/")
	service, ok = proxyServices[seg]
	return service, "/" + path, ok
}

// signedRequest builds the API request for r: same method, host, body,
// client address and TLS state, the escaped path and r's query, the
// forwarded headers, and a SigV4 signature for service.
func (s *Server) signedRequest(r *http.Request, cred credential, service, path string, body []byte) (*http.Request, *iot.Error) {
	u, err := url.Parse(path)
	if err != nil || u.Path == "" {
		return nil, iot.Errorf(iot.InvalidRequestException, "The API path %q is not valid.", path)
	}
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "The API request is not valid: %v", err)
	}
	out.Host, out.RemoteAddr, out.TLS = r.Host, r.RemoteAddr, r.TLS
	for _, h := range forwardedHeaders {
		if v := r.Header.Values(h); len(v) > 0 {
			out.Header[h] = v
		}
	}
	sr := sigv4.Request{AccessKeyID: cred.id, SecretAccessKey: cred.secret, Region: s.cfg.Region, Service: service,
		Time: s.cfg.Now(), Method: r.Method, Host: r.Host, EscapedPath: out.URL.EscapedPath()}
	authz, date, hash, err := sigv4.SignHeaders(sr, u.RawQuery, body)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "The query string is not validly percent-encoded.")
	}
	out.Header.Set("Authorization", authz)
	out.Header.Set("X-Amz-Date", date)
	out.Header.Set("X-Amz-Content-Sha256", hash)
	return out, nil
}

// credential is the access key a proxied request is signed with.
type credential struct{ id, secret string }
