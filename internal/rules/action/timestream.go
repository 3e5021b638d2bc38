package action

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/timestreamwrite"
)

// timestreamUnits are the values of AWS's TimestreamTimestampUnit.
var timestreamUnits = []string{"SECONDS", "MILLISECONDS", "MICROSECONDS", "NANOSECONDS"}

// timestreamParams is AWS's TimestreamAction. Dimension values and
// timestamp.value take substitution templates (spec §9); databaseName,
// tableName, dimension names and roleArn do not. roleArn is validated
// and otherwise ignored.
type timestreamParams struct {
	RoleArn      string                `json:"roleArn"`
	DatabaseName string                `json:"databaseName"`
	TableName    string                `json:"tableName"`
	Dimensions   []timestreamDimension `json:"dimensions"`
	Timestamp    *timestreamTimestamp  `json:"timestamp"`
}

// timestreamDimension is one {name, value} of the dimensions list.
type timestreamDimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// timestreamTimestamp is AWS's TimestreamTimestamp: value is a template
// giving an epoch time in unit.
type timestreamTimestamp struct {
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

// check requires the members AWS's model requires (timestamp's value and
// unit too, when timestamp is given), holds dimensions to 1..128 entries
// with names Timestream accepts, and unit to its enum; unit takes no
// template, so a templated unit is refused as well.
func (p *timestreamParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("databaseName", p.DatabaseName)
	c.required("tableName", p.TableName)
	switch {
	case p.Dimensions == nil:
		c.required("dimensions", "")
	case len(p.Dimensions) == 0:
		c.addf("dimensions", "Member must have length greater than or equal to 1")
	case len(p.Dimensions) > 128:
		c.addf("dimensions", "Member must have length less than or equal to 128")
	}
	for i, d := range p.Dimensions {
		f := fmt.Sprintf("dimensions.%d.member.", i+1)
		if c.required(f+"name", d.Name) {
			checkDimensionName(c, f+"name", d.Name)
		}
		c.required(f+"value", d.Value)
	}
	if t := p.Timestamp; t != nil {
		c.required("timestamp.value", t.Value)
		if c.required("timestamp.unit", t.Unit) && !slices.Contains(timestreamUnits, t.Unit) {
			c.addf("timestamp.unit", "Member must satisfy enum value set: [%s]", strings.Join(timestreamUnits, ", "))
		}
	}
}

// checkDimensionName records a name Timestream reserves: measure_name,
// measure_value, time, a ts_ or measure_value prefix, or a ':'.
func checkDimensionName(c *checker, field, name string) {
	switch {
	case name == "measure_name" || name == "measure_value" || name == "time":
		c.addf(field, "Dimension name %s is reserved", name)
	case strings.HasPrefix(name, "ts_") || strings.HasPrefix(name, "measure_value"):
		c.addf(field, "Dimension name %s must not start with ts_ or measure_value", name)
	case strings.Contains(name, ":"):
		c.addf(field, "Dimension name %s must not contain ':'", name)
	}
}

func (p *timestreamParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "timestream", newTimestreamClient)
	if err != nil {
		return nil, err
	}
	return &timestreamAction{p: *p, client: c, now: time.Now}, nil
}

// newTimestreamClient makes the Timestream Write client. AWS's endpoint
// for it is found by endpoint discovery (DescribeEndpoints), which the SDK
// does by default; with a BaseEndpoint (an emulator such as moto or
// LocalStack, hob's --rules-aws-endpoint) discovery is off and every call
// goes to that endpoint.
func newTimestreamClient(cfg aws.Config) *timestreamwrite.Client {
	return timestreamwrite.NewFromConfig(cfg, func(o *timestreamwrite.Options) {
		if cfg.BaseEndpoint != nil {
			o.EndpointDiscovery.EnableEndpointDiscovery = aws.EndpointDiscoveryDisabled
		}
	})
}

// timestreamAction writes one record per top-level attribute of the
// output into one Timestream table (see timestreamMeasures), all with
// the rendered dimensions and one time, with WriteRecords: in calls of at
// most 100 records, one after the other.
type timestreamAction struct {
	p      timestreamParams
	client *awsClient[*timestreamwrite.Client]
	now    func() time.Time
}

func (a *timestreamAction) Kind() string     { return "TimestreamAction" }
func (a *timestreamAction) Resource() string { return a.p.TableName }

// Do renders the records and writes them. A failure after some calls
// succeeded leaves their records written, and the error says how many.
func (a *timestreamAction) Do(ctx context.Context, inv *Invocation) error {
	written, total, err := a.write(ctx, inv)
	if err != nil {
		var part string
		if written > 0 {
			part = fmt.Sprintf(" (%d of %d records were written before it)", written, total)
		}
		return fmt.Errorf("Failed to write records to Timestream table %s.%s. The error received was %s%s. Message arrived on: %s, Action: timestream",
			a.p.DatabaseName, a.p.TableName, timestreamErrText(err), part, inv.Topic)
	}
	return nil
}

// write builds the request and sends it in batches, returning how many
// records were written of how many.
func (a *timestreamAction) write(ctx context.Context, inv *Invocation) (written, total int, err error) {
	common, err := a.common(inv)
	if err != nil {
		return 0, 0, err
	}
	records, err := timestreamMeasures(inv.Output)
	if err != nil {
		return 0, 0, err
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return 0, len(records), err
	}
	for _, batch := range batches(records, timestreamMaxBatch) {
		_, err = cl.WriteRecords(ctx, &timestreamwrite.WriteRecordsInput{DatabaseName: aws.String(a.p.DatabaseName),
			TableName: aws.String(a.p.TableName), CommonAttributes: common, Records: batch})
		if err != nil {
			return written, len(records), err
		}
		written += len(batch)
	}
	return written, len(records), nil
}

var _ Action = (*timestreamAction)(nil)
