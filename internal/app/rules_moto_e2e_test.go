package app_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

const motoRole = `"roleArn":"arn:aws:iam::123456789012:role/hob"`

// startMoto runs moto_server on a free loopback port until the test ends
// and returns its URL.
func startMoto(t *testing.T) string {
	t.Helper()
	bin := testutil.RequireTool(t, "moto_server")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test binary
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://127.0.0.1:" + port
	eventually(t, "moto_server answers", func() bool {
		resp, err := http.Get(url + "/moto-api/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	return url
}

// motoConfig is an aws-sdk-go-v2 configuration for moto.
func motoConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// motoFixture is moto with what the rule writes to, and clients to read
// it back.
type motoFixture struct {
	url                string
	s3                 *s3.Client
	ddb                *dynamodb.Client
	sqs                *sqs.Client
	kin                *kinesis.Client
	queueURL, snsQueue string
	topicArn           string
}

func newMotoFixture(t *testing.T) *motoFixture {
	t.Helper()
	url := startMoto(t)
	cfg := motoConfig(url)
	f := &motoFixture{url: url, s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		ddb: dynamodb.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), kin: kinesis.NewFromConfig(cfg)}
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("hob-rules")}))
	for _, table := range []string{"readings", "readings1"} {
		must(f.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("device"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("device"), KeyType: ddbtypes.KeyTypeHash}}}))
	}
	q, err := f.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("readings")})
	must(q, err)
	f.queueURL = aws.ToString(q.QueueUrl)
	q, err = f.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("from-sns")})
	must(q, err)
	f.snsQueue = aws.ToString(q.QueueUrl)
	sn := sns.NewFromConfig(cfg)
	topic, err := sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("readings")})
	must(topic, err)
	f.topicArn = aws.ToString(topic.TopicArn)
	must(sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:123456789012:from-sns"), Attributes: map[string]string{"RawMessageDelivery": "true"}}))
	must(f.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("readings"), ShardCount: aws.Int32(1)}))
	return f
}

// actions are the rule's actions: one per AWS service moto serves.
func (f *motoFixture) actions() []string {
	return []string{
		`{"s3":{"bucketName":"hob-rules","key":"${topic(2)}/reading.json",` + motoRole + `}}`,
		`{"dynamoDBv2":{"putItem":{"tableName":"readings"},` + motoRole + `}}`,
		`{"dynamoDB":{"tableName":"readings1","hashKeyField":"device","hashKeyValue":"${topic(2)}","hashKeyType":"STRING",` + motoRole + `}}`,
		`{"sqs":{"queueUrl":"` + f.queueURL + `",` + motoRole + `}}`,
		`{"sns":{"targetArn":"` + f.topicArn + `","messageFormat":"RAW",` + motoRole + `}}`,
		`{"kinesis":{"streamName":"readings","partitionKey":"${topic(2)}",` + motoRole + `}}`,
	}
}

// TestRulesE2E_AWSServicesOnMoto: one rule writes a device's message to
// S3, DynamoDB (both actions), SQS, SNS and Kinesis on moto's server, and
// the test reads each back. A second rule's S3 action writes to a bucket
// that does not exist, and its error action republishes AWS's error
// message to the device.
func TestRulesE2E_AWSServicesOnMoto(t *testing.T) {
	f := newMotoFixture(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	srv := testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.RulesAWSEndpoint = f.url }))
	createRule(t, srv, "toaws", "SELECT temp, topic(2) AS device FROM 'aws/+'", f.actions(), "")
	createRule(t, srv, "nobucket", "SELECT * FROM 'broken/+'",
		[]string{`{"s3":{"bucketName":"no-such-bucket","key":"k",` + motoRole + `}}`}, republishTo("errors/s3"))
	c := rulesDevice(t, srv, "awsdev")
	errs := subscribe(t, c, "errors/#")
	publish1(t, c, "aws/dev5", `{"temp":23,"x":1}`)
	want := `{"temp":23,"device":"dev5"}`
	ctx := context.Background()

	eventually(t, "the S3 object", func() bool {
		o, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("hob-rules"), Key: aws.String("dev5/reading.json")})
		if err != nil {
			return false
		}
		defer o.Body.Close()
		b, _ := io.ReadAll(o.Body)
		if string(b) != want {
			t.Fatalf("S3 object %s", b)
		}
		return true
	})
	eventually(t, "the dynamoDBv2 item", func() bool {
		it, err := f.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("readings"),
			Key: map[string]ddbtypes.AttributeValue{"device": &ddbtypes.AttributeValueMemberS{Value: "dev5"}}})
		if err != nil || it.Item == nil {
			return false
		}
		if n, ok := it.Item["temp"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "23" {
			t.Fatalf("dynamoDBv2 item %#v", it.Item)
		}
		return true
	})
	eventually(t, "the dynamoDB item", func() bool {
		it, err := f.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("readings1"),
			Key: map[string]ddbtypes.AttributeValue{"device": &ddbtypes.AttributeValueMemberS{Value: "dev5"}}})
		if err != nil || it.Item == nil {
			return false
		}
		if _, ok := it.Item["payload"]; !ok {
			t.Fatalf("dynamoDB item without payload column: %#v", it.Item)
		}
		return true
	})
	if m := f.receive(t, f.queueURL); m != want {
		t.Fatalf("SQS message %s", m)
	}
	if m := f.receive(t, f.snsQueue); m != want {
		t.Fatalf("SNS message (through SQS) %s", m)
	}
	if r := f.kinesisRecord(t); r != want {
		t.Fatalf("Kinesis record %s", r)
	}

	publish1(t, c, "broken/dev5", `{"v":2}`)
	assertErrorMessage(t, next(t, errs), "nobucket", "broken/dev5", "awsdev", `{"v":2}`, "S3Action", "no-such-bucket")
}

// receive returns the body of the next message of queue.
func (f *motoFixture) receive(t *testing.T, queue string) string {
	t.Helper()
	var body string
	eventually(t, "a message on "+queue, func() bool {
		out, err := f.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), WaitTimeSeconds: 1})
		if err != nil || len(out.Messages) == 0 {
			return false
		}
		body = aws.ToString(out.Messages[0].Body)
		return true
	})
	return body
}

// kinesisRecord returns the data of the first record of stream readings.
func (f *motoFixture) kinesisRecord(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var data string
	eventually(t, "a Kinesis record", func() bool {
		desc, err := f.kin.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("readings")})
		if err != nil || len(desc.StreamDescription.Shards) == 0 {
			return false
		}
		it, err := f.kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("readings"),
			ShardId: desc.StreamDescription.Shards[0].ShardId, ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			return false
		}
		recs, err := f.kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil || len(recs.Records) == 0 {
			return false
		}
		data = string(recs.Records[0].Data)
		return true
	})
	return strings.TrimSpace(data)
}
