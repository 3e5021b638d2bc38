package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// iotAnalyticsMaxBatch is AWS's limit of messages of one batchMode firing.
const iotAnalyticsMaxBatch = 100

// iotAnalyticsPut is IoT Analytics' BatchPutMessage (botocore model
// iotanalytics 2017-11-27: endpoint prefix and signing name
// "iotanalytics").
var iotAnalyticsPut = restOp{signingName: "iotanalytics", host: "iotanalytics", path: "/messages/batch"}

// iotAnalyticsParams is AWS's IotAnalyticsAction, none of whose members
// AWS's model requires or takes templates. channelArn is deprecated: the
// channel's name is taken from it when channelName is not given. roleArn
// is otherwise ignored.
type iotAnalyticsParams struct {
	ChannelArn  string `json:"channelArn"`
	ChannelName string `json:"channelName"`
	BatchMode   bool   `json:"batchMode"`
	RoleArn     string `json:"roleArn"`
}

// check accepts what AWS accepts; an action without a channel fails when
// it fires.
func (p *iotAnalyticsParams) check(*checker) {}

func (p *iotAnalyticsParams) build(d Deps) (Action, error) {
	c, err := newRESTClient(d, "iotAnalytics")
	if err != nil {
		return nil, err
	}
	return &iotAnalyticsAction{p: *p, channel: p.channel(), client: c}, nil
}

// channel is channelName, or the name at the end of channelArn
// ("arn:aws:iotanalytics:us-east-1:123456789012:channel/NAME"), or "".
func (p *iotAnalyticsParams) channel() string {
	if p.ChannelName != "" {
		return p.ChannelName
	}
	if _, name, ok := strings.Cut(p.ChannelArn, ":channel/"); ok {
		return name
	}
	return ""
}

// iotAnalyticsAction sends the output to an IoT Analytics channel with
// one BatchPutMessage call. Without batchMode the output is one message;
// with batchMode it must be a JSON array of 1 to 100 elements, each one
// message (its JSON text). Every message's id is a new UUID, so ids are
// unique in a batch and across firings. A 200 answer listing rejected
// messages fails the firing, naming the first.
type iotAnalyticsAction struct {
	p       iotAnalyticsParams
	channel string
	client  *restClient
}

func (a *iotAnalyticsAction) Kind() string { return "IotAnalyticsAction" }

// Resource is the channel's name.
func (a *iotAnalyticsAction) Resource() string { return a.channel }

// Do builds the messages and sends them.
func (a *iotAnalyticsAction) Do(ctx context.Context, inv *Invocation) error {
	err := a.send(ctx, inv.Output)
	if err != nil {
		channel := a.channel
		if channel == "" {
			channel = "(none)"
		}
		return fmt.Errorf("Failed to send messages to IoT Analytics channel %s. The error received was %s. Message arrived on: %s, Action: iotAnalytics",
			channel, err, inv.Topic)
	}
	return nil
}

// iotAnalyticsMessage is the Message shape of BatchPutMessage; payload is
// a blob, which encoding/json writes in base64 as the API wants.
type iotAnalyticsMessage struct {
	MessageID string `json:"messageId"`
	Payload   []byte `json:"payload"`
}

// send makes the call and checks its error entries.
func (a *iotAnalyticsAction) send(ctx context.Context, output []byte) error {
	if a.channel == "" {
		return errors.New("the action names no channel: set channelName, or channelArn ending in channel/NAME")
	}
	payloads, err := batchPayloads(output, a.p.BatchMode, iotAnalyticsMaxBatch)
	if err != nil {
		return err
	}
	msgs := make([]iotAnalyticsMessage, len(payloads))
	for i, p := range payloads {
		msgs[i] = iotAnalyticsMessage{MessageID: uuid.NewString(), Payload: p}
	}
	var answer struct {
		Errors []messageRejection `json:"batchPutMessageErrorEntries"`
	}
	if err := a.client.post(ctx, iotAnalyticsPut, map[string]any{"channelName": a.channel, "messages": msgs}, &answer); err != nil {
		return err
	}
	return rejectedMessages(answer.Errors, len(msgs))
}

var _ Action = (*iotAnalyticsAction)(nil)
