package action

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// sqsParams is AWS's SqsAction.
type sqsParams struct {
	RoleArn   string `json:"roleArn"`
	QueueURL  string `json:"queueUrl"`
	UseBase64 bool   `json:"useBase64"`
}

func (p *sqsParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("queueUrl", p.QueueURL)
}

func (p *sqsParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "sqs", func(cfg aws.Config) *sqs.Client { return sqs.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &sqsAction{p: *p, client: c}, nil
}

// sqsAction sends the output as one message.
type sqsAction struct {
	p      sqsParams
	client *awsClient[*sqs.Client]
}

func (a *sqsAction) Kind() string     { return "SqsAction" }
func (a *sqsAction) Resource() string { return a.p.QueueURL }

// Do sends the output (base64-encoded with useBase64) to the queue.
func (a *sqsAction) Do(ctx context.Context, inv *Invocation) error {
	queue, err := render(inv, a.p.QueueURL)
	if err != nil {
		return fmt.Errorf("Failed to send message to SQS queue. %w", err)
	}
	body := string(inv.Output)
	if a.p.UseBase64 {
		body = base64.StdEncoding.EncodeToString(inv.Output)
	}
	cl, err := a.client.get(ctx)
	if err == nil {
		_, err = cl.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String(body)})
	}
	if err != nil {
		return fmt.Errorf("Failed to send message to SQS queue %s. The error received was %s. Message arrived on: %s, Action: sqs",
			queue, errText(err), inv.Topic)
	}
	return nil
}

var _ Action = (*sqsAction)(nil)
