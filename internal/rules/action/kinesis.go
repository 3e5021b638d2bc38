package action

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/google/uuid"
)

// kinesisParams is AWS's KinesisAction.
type kinesisParams struct {
	RoleArn      string `json:"roleArn"`
	StreamName   string `json:"streamName"`
	PartitionKey string `json:"partitionKey"`
}

func (p *kinesisParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("streamName", p.StreamName)
}

func (p *kinesisParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "kinesis", func(cfg aws.Config) *kinesis.Client { return kinesis.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &kinesisAction{p: *p, client: c}, nil
}

// kinesisAction puts the output as one record.
type kinesisAction struct {
	p      kinesisParams
	client *awsClient[*kinesis.Client]
}

func (a *kinesisAction) Kind() string     { return "KinesisAction" }
func (a *kinesisAction) Resource() string { return a.p.StreamName }

// Do puts the record; without a partitionKey each record gets a new UUID
// as its key, spreading records over the shards.
func (a *kinesisAction) Do(ctx context.Context, inv *Invocation) error {
	stream, err := render(inv, a.p.StreamName)
	if err != nil {
		return fmt.Errorf("Failed to put Kinesis record. %w", err)
	}
	key, err := render(inv, a.p.PartitionKey)
	if err != nil {
		return fmt.Errorf("Failed to put Kinesis record. %w", err)
	}
	if key == "" {
		key = uuid.NewString()
	}
	cl, err := a.client.get(ctx)
	if err == nil {
		_, err = cl.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream),
			PartitionKey: aws.String(key), Data: inv.Output})
	}
	if err != nil {
		return fmt.Errorf("Failed to put Kinesis record to stream %s. The error received was %s. Message arrived on: %s, Action: kinesis",
			stream, errText(err), inv.Topic)
	}
	return nil
}

var _ Action = (*kinesisAction)(nil)
