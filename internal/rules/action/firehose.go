package action

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// firehoseMaxBatch is PutRecordBatch's limit (spec §10: ≤500 records).
const firehoseMaxBatch = 500

// firehoseParams is AWS's FirehoseAction.
type firehoseParams struct {
	RoleArn            string `json:"roleArn"`
	DeliveryStreamName string `json:"deliveryStreamName"`
	Separator          string `json:"separator"`
	BatchMode          bool   `json:"batchMode"`
}

func (p *firehoseParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("deliveryStreamName", p.DeliveryStreamName)
	c.enum("separator", p.Separator, "\n", "\t", "\r\n", ",")
}

func (p *firehoseParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "firehose", func(cfg aws.Config) *firehose.Client { return firehose.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &firehoseAction{p: *p, client: c}, nil
}

// firehoseAction puts the output as a record, or with batchMode and an
// array output, each element as a record.
type firehoseAction struct {
	p      firehoseParams
	client *awsClient[*firehose.Client]
}

func (a *firehoseAction) Kind() string     { return "FirehoseAction" }
func (a *firehoseAction) Resource() string { return a.p.DeliveryStreamName }

// Do puts the record(s), each followed by the separator.
func (a *firehoseAction) Do(ctx context.Context, inv *Invocation) error {
	if err := a.do(ctx, inv); err != nil {
		return fmt.Errorf("Failed to put Firehose record to delivery stream %s. The error received was %s. Message arrived on: %s, Action: firehose",
			a.p.DeliveryStreamName, errText(err), inv.Topic)
	}
	return nil
}

func (a *firehoseAction) do(ctx context.Context, inv *Invocation) error {
	stream, err := render(inv, a.p.DeliveryStreamName)
	if err != nil {
		return err
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return err
	}
	if !a.p.BatchMode {
		_, err = cl.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String(stream),
			Record: &types.Record{Data: a.data(inv.Output)}})
		return err
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(inv.Output, &elems); err != nil {
		return fmt.Errorf("batchMode needs the SELECT output to be a JSON array")
	}
	if len(elems) == 0 || len(elems) > firehoseMaxBatch {
		return fmt.Errorf("batchMode takes 1 to %d records, the output has %d", firehoseMaxBatch, len(elems))
	}
	records := make([]types.Record, len(elems))
	for i, e := range elems {
		records[i] = types.Record{Data: a.data(e)}
	}
	out, err := cl.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(stream), Records: records})
	if err == nil && aws.ToInt32(out.FailedPutCount) > 0 {
		err = fmt.Errorf("%d of %d records failed", aws.ToInt32(out.FailedPutCount), len(records))
	}
	return err
}

// data is one record's bytes, followed by the separator.
func (a *firehoseAction) data(b []byte) []byte {
	return append(append([]byte(nil), b...), a.p.Separator...)
}

var _ Action = (*firehoseAction)(nil)
