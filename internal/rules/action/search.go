package action

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// searchEndpoint is the pattern of AWS's endpoint member.
var searchEndpoint = regexp.MustCompile(`^https?://.*`)

// searchParams is AWS's OpenSearchAction, and ElasticsearchAction, which
// has the same members. endpoint, index, type and id take substitution
// templates (spec §9); roleArn is validated and otherwise ignored.
type searchParams struct {
	RoleArn  string `json:"roleArn"`
	Endpoint string `json:"endpoint"`
	Index    string `json:"index"`
	Type     string `json:"type"`
	ID       string `json:"id"`

	name, kind string // the action key and AWS's failedAction name
}

func newSearchParams(name, kind string) func() params {
	return func() params { return &searchParams{name: name, kind: kind} }
}

func (p *searchParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	if c.required("endpoint", p.Endpoint) && !isTemplate(p.Endpoint) && !searchEndpoint.MatchString(p.Endpoint) {
		c.addf("endpoint", "Member must satisfy regular expression pattern: https?://.*")
	}
	c.required("index", p.Index)
	c.required("type", p.Type)
	c.required("id", p.ID)
}

func (p *searchParams) build(d Deps) (Action, error) {
	c, err := newRESTClient(d, p.name)
	if err != nil {
		return nil, err
	}
	return &searchAction{p: *p, client: c}, nil
}

// searchAction indexes the SELECT output as one document: a PUT of the
// output to {endpoint}/{index}/{type}/{id}, signed with SigV4 for the
// service "es" (AWS's role needs es:ESHttpPut), with hob's AWS
// credentials and region. With OpenSearch 2 and later, whose indices
// have no types, the type is "_doc". The output must be a JSON object.
// The PUT is made once; any answer but 2xx fails the firing.
type searchAction struct {
	p      searchParams
	client *restClient
}

func (a *searchAction) Kind() string     { return a.p.kind }
func (a *searchAction) Resource() string { return a.p.Endpoint }

// Do renders the document's URL and PUTs the output there.
func (a *searchAction) Do(ctx context.Context, inv *Invocation) error {
	target, err := a.url(inv)
	if err == nil {
		err = a.put(ctx, target, inv.Output)
	}
	if err != nil {
		return fmt.Errorf("Failed to index the document in %s. The error received was %s. Message arrived on: %s, Action: %s",
			a.p.Endpoint, errText(err), inv.Topic, a.p.name)
	}
	return nil
}

// url renders the document's URL; each of index, type and id is one
// path segment.
func (a *searchAction) url(inv *Invocation) (string, error) {
	r := renderer{inv: inv}
	endpoint, index, typ, id := r.get(a.p.Endpoint), r.get(a.p.Index), r.get(a.p.Type), r.get(a.p.ID)
	if r.err != nil {
		return "", r.err
	}
	if !searchEndpoint.MatchString(endpoint) {
		return "", fmt.Errorf("the endpoint %q is not an http or https URL", endpoint)
	}
	for i, v := range []string{index, typ, id} {
		if v == "" {
			return "", fmt.Errorf("%s rendered empty", [...]string{"index", "type", "id"}[i])
		}
	}
	return strings.TrimRight(endpoint, "/") + "/" + url.PathEscape(index) + "/" + url.PathEscape(typ) + "/" + url.PathEscape(id), nil
}

// put sends the document, signed.
func (a *searchAction) put(ctx context.Context, target string, doc []byte) error {
	if _, err := jsonObject(doc); err != nil {
		return err
	}
	resp, err := a.client.send(ctx, http.MethodPut, target, "es", doc)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return restRefusal(resp, "the domain")
	}
	return nil
}

var _ Action = (*searchAction)(nil)
