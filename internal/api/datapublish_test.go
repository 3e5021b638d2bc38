package api

import (
	"encoding/base64"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

var userPropertyCases = []struct {
	name, json string
	want       []UserProperty // nil: InvalidRequestException
}{
	{"once", `[{"deviceName":"alpha"},{"deviceCnt":"45"}]`, []UserProperty{{"deviceName", "alpha"}, {"deviceCnt", "45"}}},
	{"twice, as boto3", `"[{\"k\":\"v\"},{\"k\":\"w\"}]"`, []UserProperty{{"k", "v"}, {"k", "w"}}},
	{"empty array", `[]`, []UserProperty{}},
	{"two members in one object", `[{"a":"1","b":"2"}]`, nil},
	{"empty object", `[{}]`, nil},
	{"number value", `[{"a":1}]`, nil},
	{"object, not array", `{"a":"1"}`, nil},
	{"string of garbage", `"nope"`, nil},
	{"three times", `"\"[]\""`, nil},
}

func TestDecodeUserProperties(t *testing.T) {
	for _, c := range userPropertyCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeUserProperties(base64.StdEncoding.EncodeToString([]byte(c.json)))
			if c.want == nil {
				if !iot.IsCode(err, iot.InvalidRequestException) {
					t.Fatalf("got %v, %v; want InvalidRequestException", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
	if _, err := decodeUserProperties("not base64!"); !iot.IsCode(err, iot.InvalidRequestException) {
		t.Fatalf("bad base64: %v", err)
	}
}

// FuzzDecodeUserProperties checks that any header either decodes or is an
// InvalidRequestException, never a panic or another error.
func FuzzDecodeUserProperties(f *testing.F) {
	for _, c := range userPropertyCases {
		f.Add(base64.StdEncoding.EncodeToString([]byte(c.json)))
	}
	f.Fuzz(func(t *testing.T, header string) {
		if _, err := decodeUserProperties(header); err != nil && !iot.IsCode(err, iot.InvalidRequestException) {
			t.Fatalf("%q: %v", header, err)
		}
	})
}

func TestParsePublish_MQTT5Members(t *testing.T) {
	cases := []struct {
		name, query, header, value, body string
		ok                               bool
	}{
		{"UTF8_DATA with UTF-8", "", hdrPayloadFormat, "UTF8_DATA", "héllo", true},
		{"UTF8_DATA with other bytes", "", hdrPayloadFormat, "UTF8_DATA", "\xff\xfe", false},
		{"UNSPECIFIED_BYTES", "", hdrPayloadFormat, "UNSPECIFIED_BYTES", "\xff", true},
		{"unknown indicator", "", hdrPayloadFormat, "1", "x", false},
		{"correlation data", "", hdrCorrelationData, "cmVxLTc=", "x", true},
		{"correlation data not base64", "", hdrCorrelationData, "%%%", "x", false},
		{"response topic", "?responseTopic=elf%2Freply", "", "", "x", true},
		{"response topic with wildcard", "?responseTopic=elf%2F%2B", "", "", "x", false},
		{"message expiry", "?messageExpiry=60", "", "", "x", true},
		{"negative message expiry", "?messageExpiry=-1", "", "", "x", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/topics/elf%2Ft"+c.query, nil)
			if c.header != "" {
				req.Header.Set(c.header, c.value)
			}
			_, err := parsePublish(&Request{HTTP: req, Body: []byte(c.body), labels: map[string]string{"topic": "elf/t"}})
			if c.ok != (err == nil) || (err != nil && !iot.IsCode(err, iot.InvalidRequestException)) {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}
