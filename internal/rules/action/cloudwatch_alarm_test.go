package action_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
)

// buildAt builds the action object raw with its AWS services at url.
func buildAt(t *testing.T, url, raw string) action.Action {
	t.Helper()
	a, err := action.Build(json.RawMessage(raw), awsDeps(url))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// invoke runs a once on output, for a message of rule r on topic dev/d1
// whose templates evaluate to vars.
func invoke(t *testing.T, a action.Action, output string, vars map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return a.Do(ctx, &action.Invocation{RuleName: "r", Topic: "dev/d1", Output: []byte(output), Render: renderer(t, vars)})
}

// wantFailure logs err, and fails t unless err is an error whose text
// holds every one of parts.
func wantFailure(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	t.Log(err)
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\nwant it to contain %q", err, p)
		}
	}
}

// queryCloudWatch is a CloudWatch client speaking the Query protocol,
// the one moto 5.2 understands.
func queryCloudWatch(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(smithy.NewServiceSchema(nil, "2010-08-01"))
	})
}

func TestCloudwatchAlarm_Do(t *testing.T) {
	url := startMoto(t)
	cl := queryCloudWatch(awsConfig(url))
	ctx := context.Background()
	_, err := cl.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("hot-d1"),
		Namespace: aws.String("hob/test"), MetricName: aws.String("temp"), Statistic: cwtypes.StatisticAverage,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(25),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold})
	must(t, err)
	alarm := func() cwtypes.MetricAlarm {
		t.Helper()
		out, err := cl.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"hot-d1"}})
		must(t, err)
		if len(out.MetricAlarms) != 1 {
			t.Fatalf("%d alarms, want 1", len(out.MetricAlarms))
		}
		return out.MetricAlarms[0]
	}
	a := buildAt(t, url, `{"cloudwatchAlarm":{"roleArn":"r","alarmName":"hot-${id}","stateReason":"temp is ${temp}","stateValue":"${state}"}}`)

	t.Run("SetsState", func(t *testing.T) {
		must(t, invoke(t, a, `{}`, map[string]string{"id": "d1", "temp": "30", "state": "ALARM"}))
		if got := alarm(); got.StateValue != cwtypes.StateValueAlarm || aws.ToString(got.StateReason) != "temp is 30" {
			t.Errorf("state %s, reason %q", got.StateValue, aws.ToString(got.StateReason))
		}
	})
	t.Run("RenderedStateOutsideEnum", func(t *testing.T) {
		err := invoke(t, a, `{}`, map[string]string{"id": "d1", "temp": "31", "state": "RED"})
		wantFailure(t, err, "Failed to set state of CloudWatch alarm hot-d1.", `stateValue "RED" is not one of OK, ALARM, INSUFFICIENT_DATA`,
			"Message arrived on: dev/d1, Action: cloudwatchAlarm")
		if got := alarm(); aws.ToString(got.StateReason) != "temp is 30" {
			t.Errorf("the failed firing changed the alarm: reason %q", aws.ToString(got.StateReason))
		}
	})
	t.Run("MissingAlarm", func(t *testing.T) {
		b := buildAt(t, url, `{"cloudwatchAlarm":{"roleArn":"r","alarmName":"noalarm","stateReason":"x","stateValue":"OK"}}`)
		err := invoke(t, b, `{}`, nil)
		wantFailure(t, err, "Failed to set state of CloudWatch alarm noalarm. The error received was ", "ResourceNotFound",
			"Message arrived on: dev/d1, Action: cloudwatchAlarm")
		if b.Kind() != "CloudwatchAlarmAction" || b.Resource() != "noalarm" {
			t.Errorf("Kind %q, Resource %q", b.Kind(), b.Resource())
		}
	})
}

func TestCloudwatchAlarm_Validate(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{"cloudwatchAlarm":{"alarmName":"a","stateReason":"x","stateValue":"OK"}}`, "Value null at 'cloudwatchAlarm.roleArn'"},
		{`{"cloudwatchAlarm":{"roleArn":"r","stateReason":"x","stateValue":"OK"}}`, "Value null at 'cloudwatchAlarm.alarmName'"},
		{`{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateValue":"OK"}}`, "Value null at 'cloudwatchAlarm.stateReason'"},
		{`{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateReason":"x"}}`, "Value null at 'cloudwatchAlarm.stateValue'"},
		{`{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateReason":"x","stateValue":"ok"}}`, "'cloudwatchAlarm.stateValue' failed to satisfy constraint: Member must satisfy enum value set"},
	}
	for _, c := range cases {
		err := action.Validate(json.RawMessage(c.raw))
		if !iot.IsCode(err, iot.InvalidRequestException) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant InvalidRequestException containing %q", c.raw, err, c.want)
		}
	}
	// A templated stateValue is checked when it is rendered.
	if err := action.Validate(json.RawMessage(`{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateReason":"x","stateValue":"${s}"}}`)); err != nil {
		t.Errorf("templated stateValue: %v", err)
	}
}
