package action_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/hob-iot/hob/internal/rules/action"
)

// TestAWSActions runs the AWS service actions against one moto server
// and reads back what each wrote.
func TestAWSActions(t *testing.T) {
	url := startMoto(t)
	cfg := awsConfig(url)
	for name, run := range map[string]func(*testing.T, string, aws.Config){
		"S3": testS3, "DynamoDB": testDynamoDB, "DynamoDBv2": testDynamoDBv2, "SQS": testSQS, "SNS": testSNS,
		"Kinesis": testKinesis, "Firehose": testFirehose, "CloudWatch": testCloudWatch, "S3MissingBucket": testS3MissingBucket,
	} {
		t.Run(name, func(t *testing.T) { run(t, url, cfg) })
	}
}

// fire builds raw against url and runs it once on output, for a message
// on topic dev/d1 with ${id} = d1.
func fire(t *testing.T, url, raw, output string) (action.Action, error) {
	t.Helper()
	a, err := action.Build(json.RawMessage(raw), awsDeps(url))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return a, a.Do(ctx, &action.Invocation{RuleName: "r", Topic: "dev/d1", Output: []byte(output),
		Render: renderer(t, map[string]string{"id": "d1", "topic()": "dev/d1", "v": "2.5", "unit": "Count"})})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testS3(t *testing.T, url string, cfg aws.Config) {
	cl := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	_, err := cl.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket1")})
	must(t, err)
	_, err = fire(t, url, `{"s3":{"roleArn":"r","bucketName":"bucket1","key":"${topic()}/data.json","cannedAcl":"public-read"}}`, `{"a":1}`)
	must(t, err)
	obj, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket1"), Key: aws.String("dev/d1/data.json")})
	must(t, err)
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(body) != `{"a":1}` {
		t.Errorf("object %q", body)
	}
	acl, err := cl.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("bucket1"), Key: aws.String("dev/d1/data.json")})
	must(t, err)
	public := false
	for _, g := range acl.Grants {
		public = public || (g.Grantee != nil && strings.HasSuffix(aws.ToString(g.Grantee.URI), "/AllUsers") && g.Permission == "READ")
	}
	if !public {
		t.Errorf("cannedAcl public-read not applied: %+v", acl.Grants)
	}
}

func testS3MissingBucket(t *testing.T, url string, _ aws.Config) {
	a, err := fire(t, url, `{"s3":{"roleArn":"r","bucketName":"nobucket","key":"k"}}`, `{}`)
	if err == nil || !strings.Contains(err.Error(), "Failed to put S3 object") || !strings.Contains(err.Error(), "NoSuchBucket") {
		t.Errorf("got %v", err)
	}
	if a.Resource() != "nobucket" {
		t.Errorf("Resource %q", a.Resource())
	}
}

func createTable(t *testing.T, cl *dynamodb.Client, name string, keys ...string) {
	t.Helper()
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: ddbtypes.BillingModePayPerRequest}
	for i, k := range keys {
		kt := ddbtypes.KeyTypeHash
		if i == 1 {
			kt = ddbtypes.KeyTypeRange
		}
		in.KeySchema = append(in.KeySchema, ddbtypes.KeySchemaElement{AttributeName: aws.String(k), KeyType: kt})
		at := ddbtypes.ScalarAttributeTypeS
		if i == 1 {
			at = ddbtypes.ScalarAttributeTypeN
		}
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String(k), AttributeType: at})
	}
	_, err := cl.CreateTable(context.Background(), in)
	must(t, err)
}

func testDynamoDB(t *testing.T, url string, cfg aws.Config) {
	cl := dynamodb.NewFromConfig(cfg)
	createTable(t, cl, "readings", "device", "ts")
	_, err := fire(t, url, `{"dynamoDB":{"roleArn":"r","tableName":"readings","hashKeyField":"device","hashKeyValue":"${id}",
		"rangeKeyField":"ts","rangeKeyValue":"17","rangeKeyType":"NUMBER","payloadField":"data"}}`, `{"temp":21,"tags":["a"],"ok":true}`)
	must(t, err)
	key := map[string]ddbtypes.AttributeValue{"device": &ddbtypes.AttributeValueMemberS{Value: "d1"}, "ts": &ddbtypes.AttributeValueMemberN{Value: "17"}}
	out, err := cl.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("readings"), Key: key})
	must(t, err)
	data, ok := out.Item["data"].(*ddbtypes.AttributeValueMemberM)
	if !ok {
		t.Fatalf("item %+v: no map in data", out.Item)
	}
	if n, ok := data.Value["temp"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "21" {
		t.Errorf("data.temp %+v", data.Value["temp"])
	}
	if b, ok := data.Value["ok"].(*ddbtypes.AttributeValueMemberBOOL); !ok || !b.Value {
		t.Errorf("data.ok %+v", data.Value["ok"])
	}

	_, err = fire(t, url, `{"dynamoDB":{"roleArn":"r","tableName":"readings","operation":"DELETE","hashKeyField":"device","hashKeyValue":"${id}",
		"rangeKeyField":"ts","rangeKeyValue":"17","rangeKeyType":"NUMBER"}}`, `{}`)
	must(t, err)
	out, err = cl.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("readings"), Key: key})
	must(t, err)
	if out.Item != nil {
		t.Errorf("DELETE left %+v", out.Item)
	}
}

func testDynamoDBv2(t *testing.T, url string, cfg aws.Config) {
	cl := dynamodb.NewFromConfig(cfg)
	createTable(t, cl, "things", "thing")
	_, err := fire(t, url, `{"dynamoDBv2":{"roleArn":"r","putItem":{"tableName":"things"}}}`, `{"thing":"t1","temp":21.5,"meta":{"x":null}}`)
	must(t, err)
	out, err := cl.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("things"),
		Key: map[string]ddbtypes.AttributeValue{"thing": &ddbtypes.AttributeValueMemberS{Value: "t1"}}})
	must(t, err)
	if n, ok := out.Item["temp"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "21.5" {
		t.Errorf("item %+v", out.Item)
	}
	if m, ok := out.Item["meta"].(*ddbtypes.AttributeValueMemberM); !ok || m.Value["x"] == nil {
		t.Errorf("meta %+v", out.Item["meta"])
	}
	if _, err := fire(t, url, `{"dynamoDBv2":{"roleArn":"r","putItem":{"tableName":"things"}}}`, `[1]`); err == nil {
		t.Error("an array output was put")
	}
}

func receive(t *testing.T, cl *sqs.Client, queue string) string {
	t.Helper()
	out, err := cl.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), WaitTimeSeconds: 1})
	must(t, err)
	if len(out.Messages) != 1 {
		t.Fatalf("%d messages, want 1", len(out.Messages))
	}
	return aws.ToString(out.Messages[0].Body)
}

func testSQS(t *testing.T, url string, cfg aws.Config) {
	cl := sqs.NewFromConfig(cfg)
	q, err := cl.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("q1")})
	must(t, err)
	_, err = fire(t, url, `{"sqs":{"roleArn":"r","queueUrl":"`+aws.ToString(q.QueueUrl)+`","useBase64":true}}`, `{"a":1}`)
	must(t, err)
	if got := receive(t, cl, aws.ToString(q.QueueUrl)); got != base64.StdEncoding.EncodeToString([]byte(`{"a":1}`)) {
		t.Errorf("body %q", got)
	}
	_, err = fire(t, url, `{"sqs":{"roleArn":"r","queueUrl":"`+aws.ToString(q.QueueUrl)+`"}}`, `{"a":2}`)
	must(t, err)
	if got := receive(t, cl, aws.ToString(q.QueueUrl)); got != `{"a":2}` {
		t.Errorf("body %q", got)
	}
}

func testSNS(t *testing.T, url string, cfg aws.Config) {
	ctx := context.Background()
	sq, sn := sqs.NewFromConfig(cfg), sns.NewFromConfig(cfg)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("sns-sink")})
	must(t, err)
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	must(t, err)
	topic, err := sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	must(t, err)
	_, err = sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"])})
	must(t, err)
	_, err = fire(t, url, `{"sns":{"roleArn":"r","targetArn":"`+aws.ToString(topic.TopicArn)+`","messageFormat":"RAW"}}`, `{"alert":"hot"}`)
	must(t, err)
	var envelope struct{ Message, TopicArn string }
	must(t, json.Unmarshal([]byte(receive(t, sq, aws.ToString(q.QueueUrl))), &envelope))
	if envelope.Message != `{"alert":"hot"}` || envelope.TopicArn != aws.ToString(topic.TopicArn) {
		t.Errorf("notification %+v", envelope)
	}
}

func testKinesis(t *testing.T, url string, cfg aws.Config) {
	ctx := context.Background()
	cl := kinesis.NewFromConfig(cfg)
	_, err := cl.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s1"), ShardCount: aws.Int32(1)})
	must(t, err)
	_, err = fire(t, url, `{"kinesis":{"roleArn":"r","streamName":"s1","partitionKey":"${id}"}}`, `{"a":1}`)
	must(t, err)
	shards, err := cl.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s1")})
	must(t, err)
	it, err := cl.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s1"),
		ShardId: shards.Shards[0].ShardId, ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
	must(t, err)
	recs, err := cl.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	must(t, err)
	if len(recs.Records) != 1 || string(recs.Records[0].Data) != `{"a":1}` || aws.ToString(recs.Records[0].PartitionKey) != "d1" {
		t.Errorf("records %+v", recs.Records)
	}
}

func testFirehose(t *testing.T, url string, cfg aws.Config) {
	ctx := context.Background()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fh-sink")})
	must(t, err)
	fh := firehose.NewFromConfig(cfg)
	_, err = fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("fh1"),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::fh-sink"), RoleARN: aws.String("arn:aws:iam::123456789012:role/fh"), Prefix: aws.String("out/")}})
	must(t, err)
	_, err = fire(t, url, `{"firehose":{"roleArn":"r","deliveryStreamName":"fh1","separator":"\n","batchMode":true}}`, `[{"a":1},{"a":2}]`)
	must(t, err)
	list, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("fh-sink")})
	must(t, err)
	var all string
	for _, o := range list.Contents {
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("fh-sink"), Key: o.Key})
		must(t, err)
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		all += string(b)
	}
	if all != "{\"a\":1}\n{\"a\":2}\n" {
		t.Errorf("delivered %q in %d objects", all, len(list.Contents))
	}
}

func testCloudWatch(t *testing.T, url string, cfg aws.Config) {
	ts := time.Now().Add(-time.Minute).Truncate(time.Second)
	_, err := fire(t, url, `{"cloudwatchMetric":{"roleArn":"r","metricNamespace":"hob/test","metricName":"temp-${id}",
		"metricValue":"${v}","metricUnit":"${unit}","metricTimestamp":"`+jsonNum(ts.Unix())+`"}}`, `{}`)
	must(t, err)
	// moto 5.2 speaks CloudWatch's Query protocol, not the SDK's default CBOR.
	cl := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(smithy.NewServiceSchema(nil, "2010-08-01"))
	})
	out, err := cl.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(ts.Add(-time.Hour)), EndTime: aws.Time(ts.Add(time.Hour)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("q"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("hob/test"), MetricName: aws.String("temp-d1")},
			Period: aws.Int32(60), Stat: aws.String("Sum"), Unit: cwtypes.StandardUnitCount}}}})
	must(t, err)
	if len(out.MetricDataResults) != 1 || len(out.MetricDataResults[0].Values) != 1 || out.MetricDataResults[0].Values[0] != 2.5 {
		t.Errorf("metric data %+v", out.MetricDataResults)
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
