package action_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/hob-iot/hob/internal/rules/action"
)

// fakeDeps are Deps that build every action and reach nothing.
func fakeDeps() action.Deps {
	return action.Deps{
		Republish: func(context.Context, action.Republished) error { return nil },
		AWS: func(context.Context, string) (aws.Config, error) {
			return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:1"),
				Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}, nil
		},
		DB: func(context.Context, string, string) (*sql.DB, error) { return nil, errors.New("no database") },
	}
}

// recorder is a Deps.Republish that keeps what it is given.
type recorder struct {
	mu  sync.Mutex
	got []action.Republished
}

func (r *recorder) publish(_ context.Context, m action.Republished) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, m)
	return nil
}

func buildRepublish(t *testing.T, raw string, r *recorder) action.Action {
	t.Helper()
	d := fakeDeps()
	d.Republish = r.publish
	a, err := action.Build(json.RawMessage(raw), d)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRepublish_Do_ReservedTopicAndHeaders(t *testing.T) {
	r := &recorder{}
	a := buildRepublish(t, `{"republish":{"roleArn":"r","topic":"$$aws/things/${topic(2)}/shadow/update","qos":1,
		"headers":{"payloadFormatIndicator":"UTF8_DATA","contentType":"${ct}","responseTopic":"reply/${topic(2)}",
		"correlationData":"${corr}","messageExpiry":"${ttl}","userProperties":[{"key":"k1","value":"${v}"},{"key":"k2","value":"x"}]}}}`, r)
	inv := &action.Invocation{Topic: "dev/thing1", Output: []byte(`{"state":{}}`), Render: renderer(t, map[string]string{
		"topic(2)": "thing1", "ct": "application/json", "corr": "aGVsbG8=", "ttl": "60", "v": "one"})}
	if err := a.Do(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	want := action.Republished{Topic: "$aws/things/thing1/shadow/update", Payload: []byte(`{"state":{}}`), QoS: 1,
		ContentType: "application/json", ResponseTopic: "reply/thing1", CorrelationData: []byte("hello"),
		PayloadFormatUTF8: true, MessageExpiry: time.Minute, UserProperties: [][2]string{{"k1", "one"}, {"k2", "x"}}}
	if len(r.got) != 1 || !reflect.DeepEqual(r.got[0], want) {
		t.Errorf("published %+v\nwant %+v", r.got, want)
	}
	if a.Resource() != "$$aws/things/${topic(2)}/shadow/update" {
		t.Errorf("Resource %q", a.Resource())
	}
}

func TestRepublish_Do_Defaults(t *testing.T) {
	r := &recorder{}
	a := buildRepublish(t, `{"republish":{"roleArn":"r","topic":"out/plain"}}`, r)
	if err := a.Do(context.Background(), &action.Invocation{Topic: "in", Output: []byte{0xff, 0x00}}); err != nil {
		t.Fatal(err)
	}
	want := action.Republished{Topic: "out/plain", Payload: []byte{0xff, 0x00}}
	if len(r.got) != 1 || !reflect.DeepEqual(r.got[0], want) {
		t.Errorf("published %+v, want %+v", r.got, want)
	}
}

func TestRepublish_Do_BadRenderedHeaders(t *testing.T) {
	cases := map[string]string{
		`"topic":"a/${x}"`: "invalid topic",
		`"topic":"t","headers":{"correlationData":"${x}"}`: "not base64",
		`"topic":"t","headers":{"messageExpiry":"${x}"}`:   "invalid messageExpiry",
		`"topic":"t","headers":{"responseTopic":"${x}"}`:   "invalid responseTopic",
	}
	for fields, want := range cases {
		r := &recorder{}
		a := buildRepublish(t, `{"republish":{"roleArn":"r",`+fields+`}}`, r)
		err := a.Do(context.Background(), &action.Invocation{Output: []byte(`{}`), Render: renderer(t, map[string]string{"x": "#!"})})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", fields, err, want)
		}
		if len(r.got) != 0 {
			t.Errorf("%s: published %v", fields, r.got)
		}
	}
}

func TestRepublish_Do_PublishError(t *testing.T) {
	d := fakeDeps()
	d.Republish = func(context.Context, action.Republished) error { return errors.New("hop limit") }
	a, err := action.Build(json.RawMessage(`{"republish":{"roleArn":"r","topic":"t"}}`), d)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), &action.Invocation{}); err == nil || !strings.Contains(err.Error(), "hop limit") {
		t.Errorf("got %v", err)
	}
}
