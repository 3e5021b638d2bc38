package sigv4

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestCanonicalURIs_Table(t *testing.T) {
	cases := []struct {
		raw  string
		want []string
	}{
		{"/things", []string{"/things"}},
		{"/", []string{"/"}},
		{"/topics/a%2Fb%20c", []string{"/topics/a%252Fb%2520c", "/topics/a%2Fb%20c"}},
		{"/attached-policies/arn%3Aaws%3Aiot", []string{"/attached-policies/arn%253Aaws%253Aiot", "/attached-policies/arn%3Aaws%3Aiot"}},
		{"/topics/a:b", []string{"/topics/a%3Ab", "/topics/a:b"}},
		{"/things//t1/./shadow", []string{"/things//t1/./shadow", "/things/t1/shadow"}},
		{"/a/../b/", []string{"/a/../b/", "/b/"}},
		{"/a%2F/../b", []string{"/a%252F/../b", "/a%2F/../b", "/b"}},
	}
	for _, c := range cases {
		if got := canonicalURIs(c.raw); !slices.Equal(got, c.want) {
			t.Errorf("canonicalURIs(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestNormalizePath_Table(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "//": "/", "/a/b": "/a/b", "/a//b/": "/a/b/", "/a/./b": "/a/b",
		"/a/../../b": "/b", "/a/b/..": "/a", "/..": "/",
	} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalQuery_Table(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"", ""},
		{"b=2&a=1&a=0", "a=0&a=1&b=2"},
		{"flag", "flag="},
		{"empty=&x=1", "empty=&x=1"},
		{"q=a+b", "q=a%20b"},
		{"q=a%20b", "q=a%20b"},
		{"k=%7e", "k=~"},
		{"k=*&k2=%2a", "k=%2A&k2=%2A"},
		{"k=%c3%a9", "k=%C3%A9"},
		{"x=a-b&x=a/b", "x=a%2Fb&x=a-b"}, // sorted after encoding
		{"a=1&&b=2", "a=1&b=2"},
		{"=v", "=v"},
		{"a%20b=c", "a%20b=c"},
		{"next=a%2Bb%3D%3D", "next=a%2Bb%3D%3D"},
	}
	for _, c := range cases {
		ps, err := parseQuery(c.raw)
		if err != nil {
			t.Fatalf("parseQuery(%q): %v", c.raw, err)
		}
		if got := canonicalQuery(ps, nil); got != c.want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestCanonicalQuery_Skip(t *testing.T) {
	ps, _ := parseQuery("X-Amz-Signature=abc&a=1&X-Amz-Security-Token=t")
	got := canonicalQuery(ps, func(k string) bool { return strings.HasPrefix(k, "X-Amz-S") })
	if got != "a=1" {
		t.Errorf("got %q", got)
	}
}

func TestTrimAll_Table(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "a": "a", "a b": "a b", "  a  ": "a", "a    b": "a b", "a\tb": "a b",
		"\ta \t b\t": "a b", "application/json;   charset=utf-8": "application/json; charset=utf-8",
	} {
		if got := trimAll(in); got != want {
			t.Errorf("trimAll(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalHeaders_Values(t *testing.T) {
	r, _ := http.NewRequest("POST", "https://localhost:8443/x", strings.NewReader("abc"))
	r.Host = "localhost:8443"
	r.Header["X-Multi"] = []string{" one ", "two  three"}
	r.TransferEncoding = []string{"chunked"}
	var b strings.Builder
	canonicalHeaders(&b, r, []string{"content-length", "host", "transfer-encoding", "x-absent", "x-multi"})
	want := "content-length:3\nhost:localhost:8443\ntransfer-encoding:chunked\nx-absent:\nx-multi:one,two three\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestRawPath_Sources(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://h/topics/a%2Fb?x=1", nil)
	if got := rawPath(r); got != "/topics/a%2Fb" {
		t.Errorf("client request: %q", got)
	}
	r.RequestURI = "/topics/a%2fb?x=1" // as sent, lower-case hex
	if got := rawPath(r); got != "/topics/a%2fb" {
		t.Errorf("server request: %q", got)
	}
	r.RequestURI = "*"
	r.URL.Path, r.URL.RawPath = "", ""
	if got := rawPath(r); got != "/" {
		t.Errorf("no path: %q", got)
	}
}
