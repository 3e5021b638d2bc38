package action

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// iotEventsMaxBatch is AWS's limit of messages of one batchMode firing.
const iotEventsMaxBatch = 10

// iotEventsPut is IoT Events Data's BatchPutMessage (botocore model
// iotevents-data 2018-10-23: endpoint prefix "data.iotevents", signing
// name "ioteventsdata").
var iotEventsPut = restOp{signingName: "ioteventsdata", host: "data.iotevents", path: "/inputs/messages"}

// iotEventsParams is AWS's IotEventsAction. messageId takes substitution
// templates (spec §9); inputName does not. roleArn is validated and
// otherwise ignored.
type iotEventsParams struct {
	InputName string `json:"inputName"`
	MessageID string `json:"messageId"`
	BatchMode bool   `json:"batchMode"`
	RoleArn   string `json:"roleArn"`
}

// check requires inputName (1..128 characters) and roleArn, holds
// messageId to 128 characters, and refuses a messageId with batchMode,
// where every message gets its own.
func (p *iotEventsParams) check(c *checker) {
	if c.required("inputName", p.InputName) {
		c.maxLen("inputName", p.InputName, 128)
	}
	c.required("roleArn", p.RoleArn)
	c.maxLen("messageId", p.MessageID, 128)
	if p.BatchMode && p.MessageID != "" {
		c.addf("messageId", "Member must not be set when batchMode is true")
	}
}

func (p *iotEventsParams) build(d Deps) (Action, error) {
	c, err := newRESTClient(d, "iotEvents")
	if err != nil {
		return nil, err
	}
	return &iotEventsAction{p: *p, client: c}, nil
}

// iotEventsAction sends the output to an IoT Events input with one
// BatchPutMessage call. Without batchMode the output is one message, its
// id the rendered messageId or a new UUID; with batchMode the output must
// be a JSON array of 1 to 10 elements, each one message (its JSON text)
// with a new UUID. A 200 answer listing rejected messages fails the
// firing, naming the first.
type iotEventsAction struct {
	p      iotEventsParams
	client *restClient
}

func (a *iotEventsAction) Kind() string     { return "IotEventsAction" }
func (a *iotEventsAction) Resource() string { return a.p.InputName }

// Do builds the messages and sends them.
func (a *iotEventsAction) Do(ctx context.Context, inv *Invocation) error {
	msgs, err := a.messages(inv)
	if err == nil {
		err = a.send(ctx, msgs)
	}
	if err != nil {
		return fmt.Errorf("Failed to send messages to IoT Events input %s. The error received was %s. Message arrived on: %s, Action: iotEvents",
			a.p.InputName, err, inv.Topic)
	}
	return nil
}

// iotEventsMessage is the Message shape of BatchPutMessage; payload is a
// blob, which encoding/json writes in base64 as the API wants.
type iotEventsMessage struct {
	MessageID string `json:"messageId"`
	InputName string `json:"inputName"`
	Payload   []byte `json:"payload"`
}

// messages renders the messages of one firing.
func (a *iotEventsAction) messages(inv *Invocation) ([]iotEventsMessage, error) {
	payloads, err := batchPayloads(inv.Output, a.p.BatchMode, iotEventsMaxBatch)
	if err != nil {
		return nil, err
	}
	msgs := make([]iotEventsMessage, len(payloads))
	for i, p := range payloads {
		msgs[i] = iotEventsMessage{MessageID: uuid.NewString(), InputName: a.p.InputName, Payload: p}
	}
	if a.p.MessageID != "" { // never with batchMode (check)
		id, err := render(inv, a.p.MessageID)
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, errors.New("messageId rendered empty")
		}
		msgs[0].MessageID = id
	}
	return msgs, nil
}

// send makes the call and checks its error entries.
func (a *iotEventsAction) send(ctx context.Context, msgs []iotEventsMessage) error {
	var answer struct {
		Errors []messageRejection `json:"BatchPutMessageErrorEntries"`
	}
	if err := a.client.post(ctx, iotEventsPut, map[string]any{"messages": msgs}, &answer); err != nil {
		return err
	}
	return rejectedMessages(answer.Errors, len(msgs))
}

var _ Action = (*iotEventsAction)(nil)
