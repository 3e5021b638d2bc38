package action_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/rules/action"
)

// iotEventsBody is the BatchPutMessage request body.
type iotEventsBody struct {
	Messages []struct{ MessageID, InputName, Payload string }
}

func TestIotEvents_Do_SendsMessage(t *testing.T) {
	s := newAWSStandIn(t, "ioteventsdata")
	a, err := fire(t, s.url, `{"iotEvents":{"inputName":"pressure","messageId":"m-${id}","roleArn":"r"}}`, `{"psi":42}`)
	must(t, err)
	if a.Kind() != "IotEventsAction" || a.Resource() != "pressure" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
	calls := s.got(t)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Method != "POST" || c.Path != "/inputs/messages" || c.Scope != "testing us-east-1 ioteventsdata" {
		t.Errorf("request %s %s signed for %q", c.Method, c.Path, c.Scope)
	}
	var body iotEventsBody
	decodeBody(t, c, &body)
	if len(body.Messages) != 1 {
		t.Fatalf("messages %+v", body.Messages)
	}
	m := body.Messages[0]
	if m.MessageID != "m-d1" || m.InputName != "pressure" || unblob(t, m.Payload) != `{"psi":42}` {
		t.Errorf("message %+v", m)
	}
}

func TestIotEvents_Do_BatchMode(t *testing.T) {
	s := newAWSStandIn(t, "ioteventsdata")
	_, err := fire(t, s.url, `{"iotEvents":{"inputName":"pressure","batchMode":true,"roleArn":"r"}}`, `[{"psi":1},{"psi":2}]`)
	must(t, err)
	var body iotEventsBody
	decodeBody(t, s.got(t)[0], &body)
	if len(body.Messages) != 2 {
		t.Fatalf("messages %+v", body.Messages)
	}
	for i, m := range body.Messages {
		if _, err := uuid.Parse(m.MessageID); err != nil || unblob(t, m.Payload) != fmt.Sprintf(`{"psi":%d}`, i+1) {
			t.Errorf("message %d: %+v, want a UUID and the element", i, m)
		}
	}
	if body.Messages[0].MessageID == body.Messages[1].MessageID {
		t.Error("two messages with one id")
	}
}

func TestIotEvents_Do_Failures(t *testing.T) {
	batch := `{"iotEvents":{"inputName":"pressure","batchMode":true,"roleArn":"r"}}`
	eleven := "[" + strings.TrimSuffix(strings.Repeat("1,", 11), ",") + "]"
	for output, want := range map[string]string{`{"psi":1}`: "needs the SELECT output to be a JSON array",
		eleven: "at most 10 messages, and the SELECT output holds 11", `[]`: "the array is empty"} {
		s := newAWSStandIn(t, "ioteventsdata")
		_, err := fire(t, s.url, batch, output)
		wantFailure(t, err, "Failed to send messages to IoT Events input pressure. The error received was", want,
			"Message arrived on: dev/d1, Action: iotEvents")
		if calls := s.got(t); len(calls) != 0 {
			t.Errorf("output %s: %d calls, want none", output, len(calls))
		}
	}
	s := newAWSStandIn(t, "ioteventsdata")
	s.answer = `{"BatchPutMessageErrorEntries":[{"messageId":"m-d1","errorCode":"ResourceNotFoundException","errorMessage":"Input pressure does not exist"}]}`
	_, err := fire(t, s.url, `{"iotEvents":{"inputName":"pressure","messageId":"m-${id}","roleArn":"r"}}`, `{}`)
	wantFailure(t, err, "message m-d1 was rejected: ResourceNotFoundException: Input pressure does not exist (1 of 1 rejected)")
	s = newAWSStandIn(t, "ioteventsdata")
	s.status, s.errType, s.answer = 400, "InvalidRequestException", `{"message":"payload is too large"}`
	_, err = fire(t, s.url, `{"iotEvents":{"inputName":"pressure","roleArn":"r"}}`, `{}`)
	wantFailure(t, err, "AWS answered 400 Bad Request (InvalidRequestException): {\"message\":\"payload is too large\"}")
}

func TestIotEvents_Validate(t *testing.T) {
	cases := map[string]string{
		`{"iotEvents":{"roleArn":"r"}}`:   "Value null at 'iotEvents.inputName'",
		`{"iotEvents":{"inputName":"i"}}`: "Value null at 'iotEvents.roleArn'",
		`{"iotEvents":{"inputName":"i","roleArn":"r","batchMode":true,"messageId":"m"}}`:               "'iotEvents.messageId' failed to satisfy constraint: Member must not be set when batchMode is true",
		`{"iotEvents":{"inputName":"` + strings.Repeat("i", 129) + `","roleArn":"r"}}`:                 "'iotEvents.inputName'",
		`{"iotEvents":{"inputName":"i","roleArn":"r","messageId":"` + strings.Repeat("m", 129) + `"}}`: "'iotEvents.messageId'",
	}
	for raw, want := range cases {
		if err := action.Validate(json.RawMessage(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.80s: %v, want an error containing %q", raw, err, want)
		}
	}
}
