package action_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
)

// logMessages reads every message of stream in group, oldest first.
func logMessages(t *testing.T, cl *cloudwatchlogs.Client, group, stream string) []string {
	t.Helper()
	out, err := cl.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	must(t, err)
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, aws.ToString(e.Message))
	}
	return msgs
}

func TestCloudwatchLogs_Do(t *testing.T) {
	url := startMoto(t)
	cl := cloudwatchlogs.NewFromConfig(awsConfig(url))
	ctx := context.Background()
	for _, g := range []string{"/hob/d1", "/hob/batch"} {
		_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g)})
		must(t, err)
	}
	vars := map[string]string{"id": "d1"}

	t.Run("OneEvent", func(t *testing.T) {
		a := buildAt(t, url, `{"cloudwatchLogs":{"roleArn":"r","logGroupName":"/hob/${id}"}}`)
		must(t, invoke(t, a, `{"temp":21}`, vars))
		must(t, invoke(t, a, `[1,2]`, vars))
		if got := logMessages(t, cl, "/hob/d1", "r"); strings.Join(got, "|") != `{"temp":21}|[1,2]` {
			t.Errorf("stream r holds %q", got)
		}
		// The stream is made again when it has gone.
		_, err := cl.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("/hob/d1"), LogStreamName: aws.String("r")})
		must(t, err)
		must(t, invoke(t, a, `{"temp":22}`, vars))
		if got := logMessages(t, cl, "/hob/d1", "r"); strings.Join(got, "|") != `{"temp":22}` {
			t.Errorf("stream r holds %q after it was deleted", got)
		}
	})
	t.Run("BatchMode", func(t *testing.T) {
		a := buildAt(t, url, `{"cloudwatchLogs":{"roleArn":"r","logGroupName":"/hob/batch","batchMode":true}}`)
		t1 := time.Now().Add(-2 * time.Minute).UnixMilli()
		t2 := t1 + 1000
		out := `[{"timestamp":` + strconv.FormatInt(t2, 10) + `,"message":"second"},{"timestamp":` + strconv.FormatInt(t1, 10) +
			`,"message":"first"},{"message":{"k":1}},"plain",{"other":true}]`
		must(t, invoke(t, a, out, vars))
		got := logMessages(t, cl, "/hob/batch", "r")
		want := []string{"first", "second", `{"k":1}`, "plain", `{"other":true}`}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("stream holds %q, want %q", got, want)
		}
	})
	t.Run("BatchModeNotArray", func(t *testing.T) {
		a := buildAt(t, url, `{"cloudwatchLogs":{"roleArn":"r","logGroupName":"/hob/batch","batchMode":true}}`)
		wantFailure(t, invoke(t, a, `{"message":"x"}`, vars), "Failed to put CloudWatch Logs events to log group /hob/batch.",
			"batchMode needs the SELECT output to be a JSON array", "Message arrived on: dev/d1, Action: cloudwatchLogs")
		wantFailure(t, invoke(t, a, `[]`, vars), "batchMode takes 1 to 10000 log events, the output has 0")
		wantFailure(t, invoke(t, a, `[{"message":"x","timestamp":"soon"}]`, vars), `batchMode element 0: timestamp "soon" is not a number`)
	})
	t.Run("MissingLogGroup", func(t *testing.T) {
		a := buildAt(t, url, `{"cloudwatchLogs":{"roleArn":"r","logGroupName":"/no/group"}}`)
		wantFailure(t, invoke(t, a, `{}`, vars), "Failed to put CloudWatch Logs events to log group /no/group. The error received was ",
			"ResourceNotFoundException", "Message arrived on: dev/d1, Action: cloudwatchLogs")
		if a.Kind() != "CloudwatchLogsAction" || a.Resource() != "/no/group" {
			t.Errorf("Kind %q, Resource %q", a.Kind(), a.Resource())
		}
	})
}

func TestCloudwatchLogs_Validate(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{"cloudwatchLogs":{"logGroupName":"g"}}`, "Value null at 'cloudwatchLogs.roleArn'"},
		{`{"cloudwatchLogs":{"roleArn":"r","batchMode":true}}`, "Value null at 'cloudwatchLogs.logGroupName'"},
		{`{"cloudwatchLogs":{"roleArn":"r","logGroupName":"g","batchMode":"yes"}}`, "could not parse 'cloudwatchLogs'"},
	}
	for _, c := range cases {
		err := action.Validate(json.RawMessage(c.raw))
		if !iot.IsCode(err, iot.InvalidRequestException) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant InvalidRequestException containing %q", c.raw, err, c.want)
		}
	}
}
