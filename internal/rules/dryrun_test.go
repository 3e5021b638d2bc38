package rules

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestEngine_DryRun(t *testing.T) {
	h := newHarness(t, Options{})
	acts := []json.RawMessage{republishAction("out"), json.RawMessage(`{"s3":{"bucketName":"b","key":"k","roleArn":"arn:aws:iam::123456789012:role/r"}}`)}
	for _, tc := range []struct {
		name, sql, topic, payload string
		matched, fired            bool
		output                    string
	}{
		{"fires", "SELECT a FROM 't/+' WHERE a > 1", "t/x", `{"a":2}`, true, true, `{"a":2}`},
		{"where false", "SELECT a FROM 't/+' WHERE a > 1", "t/x", `{"a":0}`, true, false, ""},
		{"topic outside FROM", "SELECT a FROM 't/+'", "u/x", `{"a":2}`, false, true, `{"a":2}`},
		{"basic ingest", "SELECT topic() AS t FROM 'zzz'", "$aws/rules/r/a/b", `{}`, true, true, `{"t":"a/b"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.DryRun(context.Background(), tc.sql, "2016-03-23", tc.topic, []byte(tc.payload), acts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Matched != tc.matched || res.Fired != tc.fired || string(res.Output) != tc.output {
				t.Fatalf("got %v", res)
			}
			want := []string(nil)
			if tc.matched && tc.fired {
				want = []string{"republish", "s3"}
			}
			if !slices.Equal(res.Actions, want) {
				t.Fatalf("actions %v, want %v", res.Actions, want)
			}
		})
	}
	h.none(t, 50*time.Millisecond) // a dry run runs no action
}

func TestEngine_DryRun_Errors(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct {
		name, sql, version string
		actions            []json.RawMessage
		code               iot.Code
	}{
		{"bad SQL", "SELEC * FROM 'a'", "", nil, iot.SqlParseException},
		{"bad version", "SELECT * FROM 'a'", "2020-01-01", nil, iot.InvalidRequestException},
		{"bad action", "SELECT * FROM 'a'", "", []json.RawMessage{json.RawMessage(`{"nosuch":{}}`)}, iot.InvalidRequestException},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.DryRun(context.Background(), tc.sql, tc.version, "a", []byte(`{}`), tc.actions)
			var ie *iot.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
}
