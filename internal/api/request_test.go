package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

type decodeTarget struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Attrs map[string]string `json:"attrs"`
	On    bool              `json:"on"`
}

func TestRequest_Decode_Errors(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"name":`, "truncated JSON"},
		{`{"name" 1}`, "not valid JSON"},
		{`{"count":"many"}`, "count must be a number"},
		{`{"attrs":[1]}`, "attrs must be an object"},
		{`{"on":"yes"}`, "on must be a boolean"},
		{`{"colour":"blue"}`, `unknown field "colour"`},
		{`{"name":"a"} {"name":"b"}`, "data after the JSON object"},
		{`[1,2]`, "must be an object"},
	}
	for _, c := range cases {
		r := &Request{Body: []byte(c.body)}
		var v decodeTarget
		err := r.Decode(&v)
		if !iot.IsCode(err, iot.InvalidRequestException) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Decode(%s) = %v, want InvalidRequestException containing %q", c.body, err, c.want)
		}
	}
	r := &Request{Body: []byte(` {"name":"t","count":2,"attrs":{"a":"b"},"on":true} `)}
	var v decodeTarget
	if err := r.Decode(&v); err != nil || v.Name != "t" || v.Count != 2 || v.Attrs["a"] != "b" || !v.On {
		t.Fatalf("Decode good body: %v %+v", err, v)
	}
}

func TestRequest_QueryParsers(t *testing.T) {
	r := &Request{HTTP: httptest.NewRequest("GET", "/x?maxResults=300&flag=maybe&n=5", nil)}
	if _, err := r.QueryInt("maxResults", 50, 1, 250); !iot.IsCode(err, iot.InvalidRequestException) {
		t.Errorf("maxResults=300 accepted: %v", err)
	}
	if n, err := r.QueryInt("n", 50, 1, 250); err != nil || n != 5 {
		t.Errorf("n = %d, %v", n, err)
	}
	if n, err := r.QueryInt("absent", 50, 1, 250); err != nil || n != 50 {
		t.Errorf("absent = %d, %v", n, err)
	}
	if _, err := r.QueryBool("flag", false); !iot.IsCode(err, iot.InvalidRequestException) {
		t.Errorf("flag=maybe accepted: %v", err)
	}
	if err := r.checkQuery([]string{"maxResults", "flag"}); err == nil || !strings.Contains(err.Error(), `"n"`) {
		t.Errorf("checkQuery did not name the unknown parameter: %v", err)
	}
}

// FuzzRequestDecode checks that any body either decodes or gives an
// InvalidRequestException, never a panic or another error.
func FuzzRequestDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"x"}`, `{"count":1e400}`, `[`, `{"attrs":{"a":1}}`, "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v decodeTarget
		err := (&Request{Body: []byte(body)}).Decode(&v)
		if err != nil && !iot.IsCode(err, iot.InvalidRequestException) {
			t.Fatalf("Decode(%q) = %v, not an InvalidRequestException", body, err)
		}
	})
}
