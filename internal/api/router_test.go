package api

import (
	"reflect"
	"testing"
)

func testRouter() *router {
	rr := &router{}
	for _, p := range []struct{ op, method, path string }{
		{"DescribeThing", "GET", "/things/{thingName}"},
		{"ListThingPrincipals", "GET", "/things/{thingName}/principals"},
		{"ListAttachedPolicies", "POST", "/attached-policies/{target}"},
		{"DescribeCertificate", "GET", "/certificates/{certificateId}"},
		{"ListCertificatesByCA", "GET", "/certificates-by-ca/{caCertificateId}"},
		{"RegisterCertificate", "POST", "/certificate/register"},
		{"RegisterCertificateWithoutCA", "POST", "/certificate/register-no-ca"},
		{"GetTopicRuleDestination", "GET", "/destinations/{arn+}"},
		{"ListThings", "GET", "/things"},
	} {
		rr.add(iotRoute(p.op, p.method, p.path, nil, nil))
	}
	return rr
}

func TestRouter_Match(t *testing.T) {
	rr := testRouter()
	cases := []struct {
		method, path string
		wantOp       string
		wantLabels   map[string]string
	}{
		{"GET", "/things/thing_0", "DescribeThing", map[string]string{"thingName": "thing_0"}},
		{"GET", "/things", "ListThings", map[string]string{}},
		{"GET", "/things/", "", nil},
		{"GET", "/things/t1/principals", "ListThingPrincipals", map[string]string{"thingName": "t1"}},
		{"POST", "/attached-policies/arn%3Aaws%3Aiot%3Aus-east-1%3A123456789012%3Acert%2Fabc", "ListAttachedPolicies",
			map[string]string{"target": "arn:aws:iot:us-east-1:123456789012:cert/abc"}},
		{"POST", "/certificate/register-no-ca", "RegisterCertificateWithoutCA", map[string]string{}},
		{"POST", "/certificate/register", "RegisterCertificate", map[string]string{}},
		{"GET", "/destinations/arn%3Aaws/x/y", "GetTopicRuleDestination", map[string]string{"arn": "arn:aws/x/y"}},
		{"DELETE", "/things/t1", "", nil},
		{"GET", "/things/a%ZZ", "", nil},
		{"GET", "/things/t1/principals/extra", "", nil},
	}
	for _, c := range cases {
		rt, labels := rr.match(c.method, c.path)
		if c.wantOp == "" {
			if rt != nil {
				t.Errorf("%s %s matched %s, want no route", c.method, c.path, rt.op)
			}
			continue
		}
		if rt == nil || rt.op != c.wantOp {
			t.Errorf("%s %s matched %v, want %s", c.method, c.path, opName(rt), c.wantOp)
			continue
		}
		if !reflect.DeepEqual(labels, c.wantLabels) {
			t.Errorf("%s %s labels = %v, want %v", c.method, c.path, labels, c.wantLabels)
		}
	}
}

func TestAWSRouter_NamesEveryModelledPath(t *testing.T) {
	for _, o := range awsOperations {
		path := o.Path
		rt, _ := awsRouter.match(o.Method, fillLabels(path))
		if rt == nil {
			t.Errorf("%s %s (%s) is not matched by its own template", o.Method, o.Path, o.Name)
		}
	}
}

// fillLabels replaces each {label} of a template with a sample value.
func fillLabels(tmpl string) string {
	out := []byte{}
	in := false
	for i := 0; i < len(tmpl); i++ {
		switch c := tmpl[i]; {
		case c == '{':
			in = true
			out = append(out, 'x')
		case c == '}':
			in = false
		case !in:
			out = append(out, c)
		}
	}
	return string(out)
}

// FuzzRouterMatch checks that matching never panics and that labels, when
// a route matches, come back decoded and non-empty.
func FuzzRouterMatch(f *testing.F) {
	for _, s := range []string{"/things/t", "/attached-policies/arn%3Ax", "/destinations/a/b/c", "//", "/things/%", ""} {
		f.Add("GET", s)
		f.Add("POST", s)
	}
	rr := testRouter()
	f.Fuzz(func(t *testing.T, method, path string) {
		rt, labels := rr.match(method, path)
		if rt == nil {
			return
		}
		for k, v := range labels {
			if v == "" {
				t.Fatalf("route %s matched %q with an empty label %s", rt.op, path, k)
			}
		}
		_, _ = awsRouter.match(method, path)
	})
}
