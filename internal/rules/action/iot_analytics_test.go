package action_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// iotAnalyticsBody is the BatchPutMessage request body.
type iotAnalyticsBody struct {
	ChannelName string
	Messages    []struct{ MessageID, Payload string }
}

func TestIotAnalytics_Do_SendsMessage(t *testing.T) {
	s := newAWSStandIn(t, "iotanalytics")
	a, err := fire(t, s.url, `{"iotAnalytics":{"channelName":"telemetry","roleArn":"r"}}`, `{"t":21}`)
	must(t, err)
	if a.Kind() != "IotAnalyticsAction" || a.Resource() != "telemetry" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
	calls := s.got(t)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Method != "POST" || c.Path != "/messages/batch" || c.Scope != "testing us-east-1 iotanalytics" {
		t.Errorf("request %s %s signed for %q", c.Method, c.Path, c.Scope)
	}
	var body iotAnalyticsBody
	decodeBody(t, c, &body)
	if body.ChannelName != "telemetry" || len(body.Messages) != 1 || unblob(t, body.Messages[0].Payload) != `{"t":21}` {
		t.Fatalf("body %+v", body)
	}
	if _, err := uuid.Parse(body.Messages[0].MessageID); err != nil {
		t.Errorf("messageId %q is not a UUID", body.Messages[0].MessageID)
	}
}

// TestIotAnalytics_Do_ChannelArnBatch checks the deprecated channelArn
// and batchMode: one message per element.
func TestIotAnalytics_Do_ChannelArnBatch(t *testing.T) {
	s := newAWSStandIn(t, "iotanalytics")
	raw := `{"iotAnalytics":{"channelArn":"arn:aws:iotanalytics:us-east-1:123456789012:channel/legacy","batchMode":true}}`
	a, err := fire(t, s.url, raw, `[{"t":1},"two",3]`)
	must(t, err)
	if a.Resource() != "legacy" {
		t.Errorf("Resource %q, want legacy", a.Resource())
	}
	var body iotAnalyticsBody
	decodeBody(t, s.got(t)[0], &body)
	var payloads []string
	for _, m := range body.Messages {
		payloads = append(payloads, unblob(t, m.Payload))
	}
	if body.ChannelName != "legacy" || strings.Join(payloads, " ") != `{"t":1} "two" 3` {
		t.Errorf("channel %q payloads %q", body.ChannelName, payloads)
	}
}

func TestIotAnalytics_Do_Failures(t *testing.T) {
	batch := `{"iotAnalytics":{"channelName":"telemetry","batchMode":true}}`
	many := "[" + strings.TrimSuffix(strings.Repeat("1,", 101), ",") + "]"
	for raw, output := range map[string]string{batch: many, `{"iotAnalytics":{"batchMode":true}}`: `[1]`,
		`{"iotAnalytics":{"channelName":"telemetry","batchMode":true,"x":1}}`: `{"t":1}`} {
		s := newAWSStandIn(t, "iotanalytics")
		_, err := fire(t, s.url, raw, output)
		wantFailure(t, err, "Failed to send messages to IoT Analytics channel", "Message arrived on: dev/d1, Action: iotAnalytics")
		if calls := s.got(t); len(calls) != 0 {
			t.Errorf("%s: %d calls, want none", raw, len(calls))
		}
	}
	s := newAWSStandIn(t, "iotanalytics")
	_, err := fire(t, s.url, batch, many)
	wantFailure(t, err, "at most 100 messages, and the SELECT output holds 101")
	_, err = fire(t, s.url, `{"iotAnalytics":{"roleArn":"r"}}`, `{}`)
	wantFailure(t, err, "IoT Analytics channel (none). The error received was the action names no channel")
	s.answer = `{"batchPutMessageErrorEntries":[{"messageId":"x1","errorCode":"InvalidRequestException","errorMessage":"bad payload"}]}`
	_, err = fire(t, s.url, batch, `[1,2]`)
	wantFailure(t, err, "message x1 was rejected: InvalidRequestException: bad payload (1 of 2 rejected)")
	s.status, s.errType, s.answer = 404, "ResourceNotFoundException", `{"message":"channel telemetry not found"}`
	_, err = fire(t, s.url, batch, `[1]`)
	wantFailure(t, err, "Failed to send messages to IoT Analytics channel telemetry. The error received was AWS answered 404 Not Found (ResourceNotFoundException)",
		"channel telemetry not found")
}
