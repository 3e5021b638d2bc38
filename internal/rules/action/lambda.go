package action

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// lambdaParams is AWS's LambdaAction.
type lambdaParams struct {
	FunctionArn string `json:"functionArn"`
}

func (p *lambdaParams) check(c *checker) { c.required("functionArn", p.FunctionArn) }

func (p *lambdaParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "lambda", func(cfg aws.Config) *lambda.Client { return lambda.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &lambdaAction{arn: p.FunctionArn, client: c}, nil
}

// lambdaAction invokes a function asynchronously with the output as event.
type lambdaAction struct {
	arn    string
	client *awsClient[*lambda.Client]
}

func (a *lambdaAction) Kind() string     { return "LambdaAction" }
func (a *lambdaAction) Resource() string { return a.arn }

// Do invokes the function (an ARN, optionally :alias or :version, or a
// name) with InvocationType Event.
func (a *lambdaAction) Do(ctx context.Context, inv *Invocation) error {
	fn, err := render(inv, a.arn)
	if err == nil {
		var cl *lambda.Client
		if cl, err = a.client.get(ctx); err == nil {
			_, err = cl.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn),
				InvocationType: types.InvocationTypeEvent, Payload: inv.Output})
		}
	}
	if err != nil {
		return fmt.Errorf("Failed to invoke lambda function %s. The error received was %s. Message arrived on: %s, Action: lambda",
			a.arn, errText(err), inv.Topic)
	}
	return nil
}

var _ Action = (*lambdaAction)(nil)
