package action

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"
)

// stepFunctionsParams is AWS's StepFunctionsAction. executionNamePrefix
// and (spec §9, through the API) stateMachineName take substitution
// templates; roleArn is validated and otherwise ignored.
type stepFunctionsParams struct {
	StateMachineName    string `json:"stateMachineName"`
	RoleArn             string `json:"roleArn"`
	ExecutionNamePrefix string `json:"executionNamePrefix"`
}

func (p *stepFunctionsParams) check(c *checker) {
	c.required("stateMachineName", p.StateMachineName)
	c.required("roleArn", p.RoleArn)
}

func (p *stepFunctionsParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "states", func(cfg aws.Config) *sfn.Client { return sfn.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &stepFunctionsAction{p: *p, client: c, arns: map[string]string{}}, nil
}

// stepFunctionsAction starts one execution of a state machine per
// message, with the output as the execution's input and the name
// executionNamePrefix followed by a new UUID (AWS: "prefix + UUID").
//
// StartExecution takes the state machine's ARN, and AWS IoT builds it
// from the rule's account and region. hob does not know the account
// behind its AWS credentials, so it looks the name up with
// ListStateMachines (every page) in the region of its AWS configuration
// and keeps the ARN; it looks again after the service says the machine
// does not exist. A name that is not found fails the firing.
type stepFunctionsAction struct {
	p      stepFunctionsParams
	client *awsClient[*sfn.Client]

	mu   sync.Mutex        // guards arns
	arns map[string]string // state machine name → ARN
}

func (a *stepFunctionsAction) Kind() string     { return "StepFunctionsAction" }
func (a *stepFunctionsAction) Resource() string { return a.p.StateMachineName }

// Do renders the name and prefix and starts the execution.
func (a *stepFunctionsAction) Do(ctx context.Context, inv *Invocation) error {
	r := renderer{inv: inv}
	machine, prefix := r.get(a.p.StateMachineName), r.get(a.p.ExecutionNamePrefix)
	err := r.err
	if err == nil {
		err = a.start(ctx, machine, prefix+uuid.NewString(), string(inv.Output))
	}
	if err != nil {
		if machine == "" {
			machine = a.p.StateMachineName
		}
		return fmt.Errorf("Failed to start execution of Step Functions state machine %s. The error received was %s. Message arrived on: %s, Action: stepFunctions",
			machine, errText(err), inv.Topic)
	}
	return nil
}

// start starts execution name of machine with input.
func (a *stepFunctionsAction) start(ctx context.Context, machine, name, input string) error {
	cl, err := a.client.get(ctx)
	if err != nil {
		return err
	}
	arn, err := a.arn(ctx, cl, machine)
	if err != nil {
		return err
	}
	_, err = cl.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn),
		Name: aws.String(name), Input: aws.String(input)})
	var gone *types.StateMachineDoesNotExist
	if errors.As(err, &gone) {
		a.mu.Lock()
		delete(a.arns, machine)
		a.mu.Unlock()
	}
	return err
}

// arn returns the ARN of the state machine called name, listing the
// state machines when it is not known yet.
func (a *stepFunctionsAction) arn(ctx context.Context, cl *sfn.Client, name string) (string, error) {
	a.mu.Lock()
	arn, ok := a.arns[name]
	a.mu.Unlock()
	if ok {
		return arn, nil
	}
	pages := sfn.NewListStateMachinesPaginator(cl, &sfn.ListStateMachinesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, m := range page.StateMachines {
			if aws.ToString(m.Name) == name {
				arn = aws.ToString(m.StateMachineArn)
				a.mu.Lock()
				a.arns[name] = arn
				a.mu.Unlock()
				return arn, nil
			}
		}
	}
	return "", fmt.Errorf("no state machine named %s in the region of hob's AWS configuration", name)
}

var _ Action = (*stepFunctionsAction)(nil)
