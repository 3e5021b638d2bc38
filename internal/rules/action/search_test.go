package action_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/sigv4"
)

// searchDomain stands in for an OpenSearch domain behind IAM: it checks
// each request's SigV4 signature for the service "es" with an
// independent verifier, keeps the documents PUT to it by path, and
// refuses what is not signed.
type searchDomain struct {
	*httptest.Server
	mu   sync.Mutex
	docs map[string]string // path → body
	seen []string          // "METHOD path key region", or "refused: why"
}

func newSearchDomain(t *testing.T) *searchDomain {
	d := &searchDomain{docs: map[string]string{}}
	v := sigv4.NewVerifier(sigv4.Options{Credentials: staticSecrets{"k": "s"}})
	d.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := v.Verify(r, body, "es")
		d.mu.Lock()
		defer d.mu.Unlock()
		if err != nil {
			d.seen = append(d.seen, "refused: "+err.Error())
			w.WriteHeader(http.StatusForbidden)
			return
		}
		d.seen = append(d.seen, r.Method+" "+r.URL.EscapedPath()+" "+res.AccessKeyID+" "+res.Region)
		if strings.HasPrefix(r.URL.Path, "/closed/") {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"type":"index_closed_exception","reason":"closed"}}`)
			return
		}
		d.docs[r.URL.EscapedPath()] = string(body)
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *searchDomain) snapshot() (map[string]string, []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	docs := map[string]string{}
	for k, v := range d.docs {
		docs[k] = v
	}
	return docs, append([]string(nil), d.seen...)
}

func buildSearch(t *testing.T, d *searchDomain, key, index string) action.Action {
	t.Helper()
	deps := fakeDeps() // region us-east-1, credentials k/s
	deps.HTTP = d.Client()
	raw := `{"` + key + `":{"roleArn":"arn:aws:iam::123456789012:role/r","endpoint":"` + d.URL + `",` +
		`"index":"` + index + `","type":"_doc","id":"${id}"}}`
	a, err := action.Build(json.RawMessage(raw), deps)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestSearch_Do_IndexesSignedDocument checks both keys: the output is PUT
// to {endpoint}/{index}/{type}/{id}, templates rendered, signed for "es"
// in hob's region.
func TestSearch_Do_IndexesSignedDocument(t *testing.T) {
	for key, kind := range map[string]string{"openSearch": "OpenSearchAction", "elasticsearch": "ElasticsearchAction"} {
		t.Run(key, func(t *testing.T) {
			d := newSearchDomain(t)
			a := buildSearch(t, d, key, "readings-${topic()}")
			if a.Kind() != kind || a.Resource() != d.URL {
				t.Errorf("Kind %q, Resource %q", a.Kind(), a.Resource())
			}
			if err := a.Do(context.Background(), httpInv(t, `{"t":21.5}`)); err != nil {
				t.Fatal(err)
			}
			docs, seen := d.snapshot()
			if docs["/readings-dev/_doc/42"] != `{"t":21.5}` || len(docs) != 1 {
				t.Errorf("documents %v", docs)
			}
			if len(seen) != 1 || seen[0] != "PUT /readings-dev/_doc/42 k us-east-1" {
				t.Errorf("the domain saw %q", seen)
			}
		})
	}
}

// TestSearch_Do_Failures checks that a refusal quotes the domain's
// reason, and that an output that is no JSON object is not sent.
func TestSearch_Do_Failures(t *testing.T) {
	d := newSearchDomain(t)
	err := buildSearch(t, d, "openSearch", "closed").Do(context.Background(), httpInv(t, `{"t":1}`))
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request") || !strings.Contains(err.Error(), "index_closed_exception") ||
		!strings.Contains(err.Error(), "Action: openSearch") {
		t.Errorf("a refused document: %v", err)
	}
	err = buildSearch(t, d, "openSearch", "readings").Do(context.Background(), httpInv(t, `[1,2]`))
	if err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("an array output: %v", err)
	}
	if _, seen := d.snapshot(); len(seen) != 1 {
		t.Errorf("the domain saw %q, want only the refused document", seen)
	}
}

// TestSearch_Validate checks AWS's required members and endpoint pattern.
func TestSearch_Validate(t *testing.T) {
	cases := map[string]string{
		`{"openSearch":{"roleArn":"r","endpoint":"https://d","index":"i","id":"x"}}`:             "openSearch.type",
		`{"elasticsearch":{"roleArn":"r","endpoint":"ftp://d","index":"i","type":"t","id":"x"}}`: "https?://",
		`{"openSearch":{"endpoint":"https://d","index":"i","type":"t","id":"x"}}`:                "openSearch.roleArn",
	}
	for raw, want := range cases {
		if err := action.Validate(json.RawMessage(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %q", raw, err, want)
		}
	}
	ok := `{"openSearch":{"roleArn":"r","endpoint":"${get(*, 'url')}","index":"i","type":"_doc","id":"${newuuid()}"}}`
	if err := action.Validate(json.RawMessage(ok)); err != nil {
		t.Errorf("a templated endpoint: %v", err)
	}
}
