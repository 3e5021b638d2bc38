package action_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/sigv4"
)

// hit is one request the test server saw.
type hit struct {
	path   string
	header http.Header
	body   string
}

// tlsServer answers with the statuses in order (the last one repeats)
// and records every request.
type tlsServer struct {
	*httptest.Server
	mu       sync.Mutex
	hits     []hit
	statuses []int
}

func newTLSServer(t *testing.T, statuses ...int) *tlsServer {
	s := &tlsServer{statuses: statuses}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.hits = append(s.hits, hit{r.URL.Path, r.Header.Clone(), string(body)})
		status := s.statuses[min(len(s.hits), len(s.statuses))-1]
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *tlsServer) requests() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// buildHTTP builds an http action for s; allow may be nil.
func buildHTTP(t *testing.T, s *tlsServer, fields string, allow func(string) bool) action.Action {
	t.Helper()
	d := fakeDeps()
	d.HTTP, d.AllowHTTP = s.Client(), allow
	raw := strings.ReplaceAll(`{"http":{"url":"URL/in/${topic()}","confirmationUrl":"URL/"`+fields+`}}`, "URL", s.URL)
	a, err := action.Build(json.RawMessage(raw), d)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func httpInv(t *testing.T, output string) *action.Invocation {
	return &action.Invocation{Topic: "dev", Output: []byte(output),
		Render: renderer(t, map[string]string{"topic()": "dev", "id": "42"})}
}

func TestHTTP_Do_RetriesServerErrorsThenSucceeds(t *testing.T) {
	s := newTLSServer(t, 500, 429, 200)
	a := buildHTTP(t, s, `,"headers":[{"key":"x-device","value":"${id}"}]`, nil)
	if err := a.Do(context.Background(), httpInv(t, `{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	hits := s.requests()
	if len(hits) != 3 {
		t.Fatalf("%d requests, want 3", len(hits))
	}
	h := hits[2]
	if h.path != "/in/dev" || h.body != `{"a":1}` || h.header.Get("x-device") != "42" ||
		h.header.Get("Content-Type") != "application/json" {
		t.Errorf("request %+v", h)
	}
}

func TestHTTP_Do_GivesUpAfterThreeTries(t *testing.T) {
	s := newTLSServer(t, 503)
	err := buildHTTP(t, s, "", nil).Do(context.Background(), httpInv(t, `{}`))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("got %v, want a 503 error", err)
	}
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestHTTP_Do_NoRetryOnClientError(t *testing.T) {
	s := newTLSServer(t, 400, 200)
	err := buildHTTP(t, s, "", nil).Do(context.Background(), httpInv(t, `{}`))
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("got %v, want a 400 error", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestHTTP_Do_ContentType(t *testing.T) {
	cases := []struct{ output, fields, want string }{
		{`{"a":1}`, "", "application/json"},
		{"\x00\x01binary", "", "application/octet-stream"},
		{`{"a":1}`, `,"headers":[{"key":"CONTENT-TYPE","value":"text/plain"}]`, "text/plain"},
	}
	for _, c := range cases {
		s := newTLSServer(t, 200)
		if err := buildHTTP(t, s, c.fields, nil).Do(context.Background(), httpInv(t, c.output)); err != nil {
			t.Fatal(err)
		}
		if got := s.requests()[0].header.Get("Content-Type"); got != c.want {
			t.Errorf("%q %s: Content-Type %q, want %q", c.output, c.fields, got, c.want)
		}
	}
}

func TestHTTP_Do_DestinationNotEnabled(t *testing.T) {
	s := newTLSServer(t, 200)
	var asked string
	a := buildHTTP(t, s, "", func(u string) bool { asked = u; return false })
	err := a.Do(context.Background(), httpInv(t, `{}`))
	if err == nil || !strings.Contains(err.Error(), "ENABLED topic rule destination") {
		t.Errorf("got %v", err)
	}
	if asked != s.URL+"/in/dev" {
		t.Errorf("AllowHTTP asked about %q", asked)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestHTTP_Do_VerifiesTLS(t *testing.T) {
	s := newTLSServer(t, 200)
	d := fakeDeps() // HTTP nil: system roots, which do not hold httptest's CA
	a, err := action.Build(json.RawMessage(`{"http":{"url":"`+s.URL+`/"}}`), d)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), httpInv(t, `{}`)); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("got %v, want a certificate error", err)
	}
}

// staticSecrets is a sigv4.Credentials of one key.
type staticSecrets map[string]string

func (s staticSecrets) SecretFor(id string) (string, bool) { v, ok := s[id]; return v, ok }

// TestHTTP_Do_SignsWithSigV4 checks auth.sigv4: every try carries a
// signature for the action's region and service, made with hob's AWS
// credentials (fakeDeps: k/s), that an independent verifier accepts,
// retries included.
func TestHTTP_Do_SignsWithSigV4(t *testing.T) {
	v := sigv4.NewVerifier(sigv4.Options{Credentials: staticSecrets{"k": "s"}})
	var mu sync.Mutex
	var results []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := v.Verify(r, body, "execute-api")
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			results = append(results, "refused: "+err.Error())
			w.WriteHeader(http.StatusForbidden)
			return
		}
		results = append(results, res.AccessKeyID+" "+res.Region+" "+res.Service)
		if len(results) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // a retry is signed too
		}
	}))
	t.Cleanup(srv.Close)
	d := fakeDeps()
	d.HTTP = srv.Client()
	raw := `{"http":{"url":"` + srv.URL + `/in/${topic()}","confirmationUrl":"` + srv.URL + `/",` +
		`"auth":{"sigv4":{"signingRegion":"eu-west-3","serviceName":"execute-api","roleArn":"arn:aws:iam::123456789012:role/r"}}}}`
	a, err := action.Build(json.RawMessage(raw), d)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), httpInv(t, `{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"k eu-west-3 execute-api", "k eu-west-3 execute-api"}
	if !slices.Equal(results, want) {
		t.Errorf("the server saw %q, want %q", results, want)
	}
}

// TestHTTP_SigV4_BadInput checks that auth.sigv4 needs its three members,
// and that a firing without AWS credentials fails naming the signing.
func TestHTTP_SigV4_BadInput(t *testing.T) {
	_, err := action.Build(json.RawMessage(`{"http":{"url":"https://example.com/","auth":{"sigv4":{"serviceName":"es"}}}}`), fakeDeps())
	if err == nil || !strings.Contains(err.Error(), "auth.sigv4.signingRegion") || !strings.Contains(err.Error(), "auth.sigv4.roleArn") {
		t.Errorf("a sigv4 without signingRegion and roleArn: %v", err)
	}

	s := newTLSServer(t, 200)
	d := fakeDeps()
	d.HTTP = s.Client()
	d.AWS = func(context.Context, string) (aws.Config, error) {
		return aws.Config{}, errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID")
	}
	raw := `{"http":{"url":"` + s.URL + `/","auth":{"sigv4":{"signingRegion":"us-east-1","serviceName":"es","roleArn":"arn:aws:iam::1:role/r"}}}}`
	a, err := action.Build(json.RawMessage(raw), d)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Do(context.Background(), httpInv(t, `{}`))
	if err == nil || !strings.Contains(err.Error(), "signing the request (auth.sigv4): no AWS credentials") {
		t.Errorf("a firing without credentials: %v", err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d unsigned requests sent", n)
	}
}
