package action_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/sigv4"
)

// restCall is one request an awsStandIn accepted.
type restCall struct {
	Method, Path, Scope string // Scope: "key region service"
	Body                string
}

// awsStandIn stands in for an AWS data API behind SigV4: it checks each
// request's signature for one signing name with hob's own verifier (the
// credentials of awsConfig: testing/testing), keeps the requests it
// accepts, and answers them with status and answer (200 and "{}" when
// unset), or 403 when the signature does not verify.
type awsStandIn struct {
	url     string
	status  int
	errType string // the X-Amzn-Errortype header of an answer
	answer  string

	mu      sync.Mutex
	calls   []restCall
	refused []string
}

func newAWSStandIn(t *testing.T, signingName string) *awsStandIn {
	s := &awsStandIn{}
	v := sigv4.NewVerifier(sigv4.Options{Credentials: staticSecrets{"testing": "testing"}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := v.Verify(r, body, signingName)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.refused = append(s.refused, err.Error())
			w.WriteHeader(http.StatusForbidden)
			return
		}
		s.calls = append(s.calls, restCall{r.Method, r.URL.EscapedPath(), res.AccessKeyID + " " + res.Region + " " + res.Service, string(body)})
		w.Header().Set("Content-Type", "application/json")
		if s.errType != "" {
			w.Header().Set("X-Amzn-Errortype", s.errType+":http://internal.amazon.com/coral/com.amazonaws/")
		}
		if s.status != 0 {
			w.WriteHeader(s.status)
		}
		answer := s.answer
		if answer == "" {
			answer = "{}"
		}
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// got returns the accepted requests, failing t if any was refused.
func (s *awsStandIn) got(t *testing.T) []restCall {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.refused) > 0 {
		t.Errorf("the stand-in refused signatures: %q", s.refused)
	}
	return append([]restCall(nil), s.calls...)
}

// decodeBody parses a request body into v.
func decodeBody(t *testing.T, c restCall, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(c.Body), v); err != nil {
		t.Fatalf("body %s: %v", c.Body, err)
	}
}

// unblob decodes a base64 blob member.
func unblob(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("payload %q is not base64: %v", s, err)
	}
	return string(b)
}
