package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// alarmStates are the values of CloudWatch's StateValue.
var alarmStates = []string{"OK", "ALARM", "INSUFFICIENT_DATA"}

// alarmParams is AWS's CloudwatchAlarmAction. alarmName, stateReason and
// stateValue take substitution templates (spec §9: alarmName through the
// API only); roleArn is validated and otherwise ignored.
type alarmParams struct {
	RoleArn     string `json:"roleArn"`
	AlarmName   string `json:"alarmName"`
	StateReason string `json:"stateReason"`
	StateValue  string `json:"stateValue"`
}

// check requires every member and holds a literal stateValue to the
// enum; a templated one is checked when rendered.
func (p *alarmParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("alarmName", p.AlarmName)
	c.required("stateReason", p.StateReason)
	c.required("stateValue", p.StateValue)
	c.enum("stateValue", p.StateValue, alarmStates...)
}

func (p *alarmParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "monitoring", newCloudWatchClient)
	if err != nil {
		return nil, err
	}
	return &alarmAction{p: *p, client: c}, nil
}

// alarmAction sets the state of one CloudWatch alarm per message, with
// SetAlarmState. The alarm must exist; CloudWatch evaluates it again at
// its next period, as it does after any SetAlarmState.
type alarmAction struct {
	p      alarmParams
	client *awsClient[*cloudwatch.Client]
}

func (a *alarmAction) Kind() string     { return "CloudwatchAlarmAction" }
func (a *alarmAction) Resource() string { return a.p.AlarmName }

// Do renders the three fields and sets the alarm's state. A stateValue
// that renders outside OK, ALARM and INSUFFICIENT_DATA fails the firing
// before any call.
func (a *alarmAction) Do(ctx context.Context, inv *Invocation) error {
	r := renderer{inv: inv}
	name, reason, state := r.get(a.p.AlarmName), r.get(a.p.StateReason), r.get(a.p.StateValue)
	err := r.err
	if err == nil {
		err = checkAlarmState(state)
	}
	if err == nil {
		var cl *cloudwatch.Client
		if cl, err = a.client.get(ctx); err == nil {
			_, err = cl.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name),
				StateReason: aws.String(reason), StateValue: types.StateValue(state)})
		}
	}
	if err != nil {
		if name == "" {
			name = a.p.AlarmName
		}
		return fmt.Errorf("Failed to set state of CloudWatch alarm %s. The error received was %s. Message arrived on: %s, Action: cloudwatchAlarm",
			name, errText(err), inv.Topic)
	}
	return nil
}

// checkAlarmState reports a rendered stateValue outside the enum.
func checkAlarmState(state string) error {
	for _, s := range alarmStates {
		if state == s {
			return nil
		}
	}
	return fmt.Errorf("stateValue %q is not one of %s", state, strings.Join(alarmStates, ", "))
}

var _ Action = (*alarmAction)(nil)
