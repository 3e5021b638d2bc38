package action

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// metricParams is AWS's CloudwatchMetricAction; every field but roleArn
// takes substitution templates (spec §9).
type metricParams struct {
	RoleArn         string `json:"roleArn"`
	MetricNamespace string `json:"metricNamespace"`
	MetricName      string `json:"metricName"`
	MetricValue     string `json:"metricValue"`
	MetricUnit      string `json:"metricUnit"`
	MetricTimestamp string `json:"metricTimestamp"`
}

func (p *metricParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("metricNamespace", p.MetricNamespace)
	c.required("metricName", p.MetricName)
	c.required("metricValue", p.MetricValue)
	c.required("metricUnit", p.MetricUnit)
	c.enum("metricUnit", p.MetricUnit, metricUnits()...)
}

// metricUnits are CloudWatch's StandardUnit values.
func metricUnits() []string {
	var units []string
	for _, u := range types.StandardUnit("").Values() {
		units = append(units, string(u))
	}
	return units
}

func (p *metricParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "monitoring", newCloudWatchClient)
	if err != nil {
		return nil, err
	}
	return &metricAction{p: *p, client: c, now: time.Now}, nil
}

// newCloudWatchClient speaks CloudWatch's Query protocol (version
// 2010-08-01) rather than the SDK's default RPC v2 CBOR: CloudWatch accepts
// both, and the API-compatible services hob users point it at (moto,
// LocalStack, older emulators) often only the first.
func newCloudWatchClient(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(smithy.NewServiceSchema(nil, "2010-08-01"))
	})
}

// metricAction puts one metric datum per message.
type metricAction struct {
	p      metricParams
	client *awsClient[*cloudwatch.Client]
	now    func() time.Time
}

func (a *metricAction) Kind() string     { return "CloudwatchMetricAction" }
func (a *metricAction) Resource() string { return a.p.MetricNamespace + "/" + a.p.MetricName }

// Do renders the datum and puts it.
func (a *metricAction) Do(ctx context.Context, inv *Invocation) error {
	ns, datum, err := a.datum(inv)
	if err == nil {
		var cl *cloudwatch.Client
		if cl, err = a.client.get(ctx); err == nil {
			_, err = cl.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: []types.MetricDatum{datum}})
		}
	}
	if err != nil {
		return fmt.Errorf("Failed to put CloudWatch metric %s. The error received was %s. Message arrived on: %s, Action: cloudwatchMetric",
			a.p.MetricName, errText(err), inv.Topic)
	}
	return nil
}

// datum renders the namespace and the metric datum.
func (a *metricAction) datum(inv *Invocation) (string, types.MetricDatum, error) {
	r := renderer{inv: inv}
	ns, name, value, unit, ts := r.get(a.p.MetricNamespace), r.get(a.p.MetricName), r.get(a.p.MetricValue), r.get(a.p.MetricUnit), r.get(a.p.MetricTimestamp)
	if r.err != nil {
		return "", types.MetricDatum{}, r.err
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil {
		return "", types.MetricDatum{}, fmt.Errorf("metricValue %q is not a number", value)
	}
	at := a.now()
	if ts != "" {
		secs, err := parseInt("metricTimestamp", ts)
		if err != nil {
			return "", types.MetricDatum{}, err
		}
		at = time.Unix(secs, 0)
	}
	return ns, types.MetricDatum{MetricName: aws.String(name), Value: aws.Float64(v),
		Unit: types.StandardUnit(unit), Timestamp: aws.Time(at)}, nil
}

var _ Action = (*metricAction)(nil)
