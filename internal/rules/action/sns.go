package action

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// snsParams is AWS's SnsAction.
type snsParams struct {
	RoleArn       string `json:"roleArn"`
	TargetArn     string `json:"targetArn"`
	MessageFormat string `json:"messageFormat"`
}

func (p *snsParams) check(c *checker) {
	c.required("targetArn", p.TargetArn)
	c.required("roleArn", p.RoleArn)
	c.enum("messageFormat", p.MessageFormat, "RAW", "JSON")
}

func (p *snsParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "sns", func(cfg aws.Config) *sns.Client { return sns.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &snsAction{p: *p, client: c}, nil
}

// snsAction publishes the output to a topic or endpoint.
type snsAction struct {
	p      snsParams
	client *awsClient[*sns.Client]
}

func (a *snsAction) Kind() string     { return "SnsAction" }
func (a *snsAction) Resource() string { return a.p.TargetArn }

// Do publishes; messageFormat JSON sends the output as a per-protocol
// message structure (SNS MessageStructure "json").
func (a *snsAction) Do(ctx context.Context, inv *Invocation) error {
	target, err := render(inv, a.p.TargetArn)
	if err != nil {
		return fmt.Errorf("Failed to publish to SNS. %w", err)
	}
	in := &sns.PublishInput{TargetArn: aws.String(target), Message: aws.String(string(inv.Output))}
	if a.p.MessageFormat == "JSON" {
		in.MessageStructure = aws.String("json")
	}
	cl, err := a.client.get(ctx)
	if err == nil {
		_, err = cl.Publish(ctx, in)
	}
	if err != nil {
		return fmt.Errorf("Failed to publish to SNS target %s. The error received was %s. Message arrived on: %s, Action: sns",
			target, errText(err), inv.Topic)
	}
	return nil
}

var _ Action = (*snsAction)(nil)
