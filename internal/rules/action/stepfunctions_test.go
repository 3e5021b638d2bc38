package action_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
)

// passMachine is a state machine definition that does nothing.
const passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// createMachine creates the state machine name and returns its ARN.
func createMachine(t *testing.T, cl *sfn.Client, name string) string {
	t.Helper()
	out, err := cl.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(passMachine), RoleArn: aws.String("arn:aws:iam::123456789012:role/sfn")})
	must(t, err)
	return aws.ToString(out.StateMachineArn)
}

// executions returns the execution names of the machine arn and the
// input of each, by name.
func executions(t *testing.T, cl *sfn.Client, arn string) map[string]string {
	t.Helper()
	ctx := context.Background()
	list, err := cl.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)})
	must(t, err)
	inputs := map[string]string{}
	for _, e := range list.Executions {
		d, err := cl.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: e.ExecutionArn})
		must(t, err)
		inputs[aws.ToString(e.Name)] = aws.ToString(d.Input)
	}
	return inputs
}

func TestStepFunctions_Do(t *testing.T) {
	url := startMoto(t)
	cl := sfn.NewFromConfig(awsConfig(url))

	t.Run("StartsExecutions", func(t *testing.T) {
		arn := createMachine(t, cl, "flow")
		a := buildAt(t, url, `{"stepFunctions":{"roleArn":"r","stateMachineName":"flow","executionNamePrefix":"${id}-"}}`)
		must(t, invoke(t, a, `{"temp":21}`, map[string]string{"id": "d1"}))
		must(t, invoke(t, a, `{"temp":22}`, map[string]string{"id": "d2"}))
		got := executions(t, cl, arn)
		if len(got) != 2 {
			t.Fatalf("executions %q, want 2", got)
		}
		seen := map[string]bool{}
		for name, input := range got {
			prefix, id, _ := strings.Cut(name, "-")
			if _, err := uuid.Parse(id); err != nil {
				t.Errorf("execution %q: no UUID after the prefix: %v", name, err)
			}
			want := map[string]string{"d1": `{"temp":21}`, "d2": `{"temp":22}`}[prefix]
			if input != want {
				t.Errorf("execution %q: input %q, want %q", name, input, want)
			}
			seen[prefix] = true
		}
		if !seen["d1"] || !seen["d2"] {
			t.Errorf("executions %q, want one per prefix d1-, d2-", got)
		}
	})
	t.Run("NoPrefix", func(t *testing.T) {
		arn := createMachine(t, cl, "bare")
		a := buildAt(t, url, `{"stepFunctions":{"roleArn":"r","stateMachineName":"bare"}}`)
		must(t, invoke(t, a, `{}`, nil))
		got := executions(t, cl, arn)
		if len(got) != 1 {
			t.Errorf("executions %q, want 1", got)
		}
		for name := range got {
			if _, err := uuid.Parse(name); err != nil {
				t.Errorf("execution %q is not a UUID: %v", name, err)
			}
		}
	})
	t.Run("PastFirstPage", func(t *testing.T) {
		// moto lists 100 state machines a page, oldest first.
		for i := range 100 {
			createMachine(t, cl, fmt.Sprintf("filler-%03d", i))
		}
		arn := createMachine(t, cl, "late")
		a := buildAt(t, url, `{"stepFunctions":{"roleArn":"r","stateMachineName":"late","executionNamePrefix":"p"}}`)
		must(t, invoke(t, a, `[1]`, nil))
		if got := executions(t, cl, arn); len(got) != 1 {
			t.Errorf("executions %q, want 1", got)
		}
	})
	t.Run("MissingStateMachine", func(t *testing.T) {
		a := buildAt(t, url, `{"stepFunctions":{"roleArn":"r","stateMachineName":"nomachine"}}`)
		wantFailure(t, invoke(t, a, `{}`, nil), "Failed to start execution of Step Functions state machine nomachine. The error received was ",
			"no state machine named nomachine", "Message arrived on: dev/d1, Action: stepFunctions")
		if a.Kind() != "StepFunctionsAction" || a.Resource() != "nomachine" {
			t.Errorf("Kind %q, Resource %q", a.Kind(), a.Resource())
		}
	})
	t.Run("DeletedStateMachine", func(t *testing.T) {
		arn := createMachine(t, cl, "brief")
		a := buildAt(t, url, `{"stepFunctions":{"roleArn":"r","stateMachineName":"brief"}}`)
		must(t, invoke(t, a, `{}`, nil))
		_, err := cl.DeleteStateMachine(context.Background(), &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
		must(t, err)
		wantFailure(t, invoke(t, a, `{}`, nil), "Failed to start execution of Step Functions state machine brief. The error received was ",
			"StateMachineDoesNotExist", "Action: stepFunctions")
		arn = createMachine(t, cl, "brief")
		must(t, invoke(t, a, `{"again":true}`, nil))
		if got := executions(t, cl, arn); len(got) != 1 {
			t.Errorf("executions of the new machine %q, want 1", got)
		}
	})
}

func TestStepFunctions_Validate(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{"stepFunctions":{"roleArn":"r"}}`, "Value null at 'stepFunctions.stateMachineName'"},
		{`{"stepFunctions":{"stateMachineName":"m","executionNamePrefix":"p"}}`, "Value null at 'stepFunctions.roleArn'"},
		{`{"stepFunctions":{}}`, "2 validation errors detected"},
	}
	for _, c := range cases {
		err := action.Validate(json.RawMessage(c.raw))
		if !iot.IsCode(err, iot.InvalidRequestException) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant InvalidRequestException containing %q", c.raw, err, c.want)
		}
	}
}
