package action_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
)

// goodActions are one valid object per action key.
var goodActions = map[string]string{
	"republish":        `{"republish":{"roleArn":"arn:aws:iam::1:role/r","topic":"$$aws/things/${topic(2)}/shadow/update","qos":1,"headers":{"payloadFormatIndicator":"UTF8_DATA","userProperties":[{"key":"k","value":"v"}]}}}`,
	"http":             `{"http":{"url":"https://example.com/in","headers":[{"key":"x-a","value":"${a}"}]}}`,
	"kafka":            `{"kafka":{"destinationArn":"arn:d","topic":"t","clientProperties":{"bootstrap.servers":"h:9092","acks":"1","security.protocol":"PLAINTEXT"}}}`,
	"sqlTable":         `{"sqlTable":{"driver":"sqlite","dsn":"file:x.db","table":"readings","columns":{"device":"${topic(2)}"}}}`,
	"s3":               `{"s3":{"roleArn":"r","bucketName":"b","key":"${topic()}/${timestamp()}","cannedAcl":"private"}}`,
	"dynamoDB":         `{"dynamoDB":{"roleArn":"r","tableName":"t","hashKeyField":"id","hashKeyValue":"${id}","hashKeyType":"STRING","operation":"INSERT"}}`,
	"dynamoDBv2":       `{"dynamoDBv2":{"roleArn":"r","putItem":{"tableName":"t"}}}`,
	"sqs":              `{"sqs":{"roleArn":"r","queueUrl":"https://sqs/q","useBase64":true}}`,
	"sns":              `{"sns":{"roleArn":"r","targetArn":"arn:aws:sns:us-east-1:1:t","messageFormat":"JSON"}}`,
	"kinesis":          `{"kinesis":{"roleArn":"r","streamName":"s","partitionKey":"${id}"}}`,
	"firehose":         `{"firehose":{"roleArn":"r","deliveryStreamName":"s","separator":"\n","batchMode":true}}`,
	"cloudwatchMetric": `{"cloudwatchMetric":{"roleArn":"r","metricNamespace":"ns","metricName":"m","metricValue":"${v}","metricUnit":"Count"}}`,
	"lambda":           `{"lambda":{"functionArn":"arn:aws:lambda:us-east-1:1:function:f:live"}}`,
	"cloudwatchAlarm":  `{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateReason":"x","stateValue":"ALARM"}}`,
	"cloudwatchLogs":   `{"cloudwatchLogs":{"roleArn":"r","logGroupName":"g"}}`,
	"elasticsearch":    `{"elasticsearch":{"roleArn":"r","endpoint":"https://e","index":"i","type":"t","id":"${newuuid()}"}}`,
	"openSearch":       `{"openSearch":{"roleArn":"r","endpoint":"https://e","index":"i","type":"t","id":"1"}}`,
	"iotAnalytics":     `{"iotAnalytics":{"channelName":"c"}}`,
	"iotEvents":        `{"iotEvents":{"inputName":"i","roleArn":"r"}}`,
	"iotSiteWise":      `{"iotSiteWise":{"roleArn":"r","putAssetPropertyValueEntries":[{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1"},"timestamp":{"timeInSeconds":"1"}}]}]}}`,
	"stepFunctions":    `{"stepFunctions":{"roleArn":"r","stateMachineName":"m"}}`,
	"timestream":       `{"timestream":{"roleArn":"r","databaseName":"d","tableName":"t","dimensions":[{"name":"n","value":"v"}]}}`,
	"location":         `{"location":{"roleArn":"r","trackerName":"t","deviceId":"d","latitude":"1","longitude":"2"}}`,
	"salesforce":       `{"salesforce":{"token":"0123456789012345678901234567890123456789","url":"https://ingestion.sfdc"}}`,
}

func TestValidate_Good(t *testing.T) {
	if got, want := len(goodActions), len(action.Names()); got != want {
		t.Errorf("goodActions has %d actions, Names %d", got, want)
	}
	for _, name := range action.Names() {
		raw, ok := goodActions[name]
		if !ok {
			t.Errorf("no good case for %s", name)
			continue
		}
		if err := action.Validate(json.RawMessage(raw)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidate_Bad(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{}`, "exactly one action, found 0"},
		{`[]`, "JSON object"},
		{`{"s3":{"roleArn":"r","bucketName":"b","key":"k"},"sqs":{"roleArn":"r","queueUrl":"q"}}`, "found 2: [s3, sqs]"},
		{`{"ftp":{}}`, "unknown action type 'ftp'"},
		{`{"republish":{"roleArn":"r"}}`, "Value null at 'republish.topic'"},
		{`{"republish":{"roleArn":"r","topic":"t","qos":2}}`, "'republish.qos'"},
		{`{"republish":{"roleArn":"r","topic":"t","qos":"1"}}`, "could not parse 'republish'"},
		{`{"republish":{"roleArn":"r","topic":"t","headers":{"payloadFormatIndicator":"TEXT"}}}`, "republish.headers.payloadFormatIndicator"},
		{`{"republish":{"roleArn":"r","topic":"t","headers":{"responseTopic":"a/#"}}}`, "wildcards"},
		{`{"s3":{"roleArn":"r","bucketName":"b"}}`, "Value null at 's3.key'"},
		{`{"s3":{"roleArn":"r","bucketName":"b","key":"k","cannedAcl":"open"}}`, "'s3.cannedAcl' failed to satisfy constraint: Member must satisfy enum value set"},
		{`{"s3":{}}`, "3 validation errors detected"},
		{`{"sns":{"roleArn":"r","targetArn":"t","messageFormat":"XML"}}`, "sns.messageFormat"},
		{`{"dynamoDB":{"roleArn":"r","tableName":"t","hashKeyField":"id","hashKeyValue":"1","operation":"UPSERT"}}`, "dynamoDB.operation"},
		{`{"dynamoDB":{"roleArn":"r","tableName":"t","hashKeyField":"id","hashKeyValue":"1","hashKeyType":"BINARY"}}`, "dynamoDB.hashKeyType"},
		{`{"dynamoDBv2":{"roleArn":"r"}}`, "'dynamoDBv2.putItem'"},
		{`{"firehose":{"roleArn":"r","deliveryStreamName":"s","separator":";"}}`, "firehose.separator"},
		{`{"cloudwatchMetric":{"roleArn":"r","metricNamespace":"n","metricName":"m","metricValue":"1","metricUnit":"Parsecs"}}`, "cloudwatchMetric.metricUnit"},
		{`{"http":{"url":"http://example.com/"}}`, "must use https"},
		{`{"http":{"url":"https://[::1]:8443/"}}`, "IPv6"},
		{`{"http":{"url":"https://example.com/${topic()}"}}`, "confirmationUrl is required"},
		{`{"http":{"url":"https://example.com/a","confirmationUrl":"https://example.com/b"}}`, "prefix of url"},
		{`{"http":{"url":"https://example.com/","headers":[{"key":"","value":"v"}]}}`, "http.headers.1.member.key"},
		{`{"kafka":{"destinationArn":"d","topic":"t","clientProperties":{}}}`, "kafka.clientProperties.bootstrap.servers"},
		{`{"kafka":{"destinationArn":"d","topic":"t","clientProperties":{"bootstrap.servers":"h","acks":"2"}}}`, "kafka.clientProperties.acks"},
		{`{"sqlTable":{"driver":"mysql","dsn":"x","table":"t"}}`, "sqlTable.driver"},
		{`{"sqlTable":{"driver":"sqlite","dsn":"x","table":"t; DROP TABLE u"}}`, "sqlTable.table"},
		{`{"sqlTable":{"driver":"sqlite","dsn":"x","table":"t","columns":{"a\"b":"v"}}}`, "sqlTable.columns.a\"b"},
		{`{"sqlTable":{"driver":"sqlite","dsn":"x","table":"t","columns":{"payload":"v"}}}`, "sqlTable.columns.payload"},
		{`{"cloudwatchAlarm":{"roleArn":"r","alarmName":"a","stateReason":"x","stateValue":"RED"}}`, "cloudwatchAlarm.stateValue"},
		{`{"timestream":{"roleArn":"r","databaseName":"d","tableName":"t"}}`, "Value null at 'timestream.dimensions'"},
	}
	for _, c := range cases {
		err := action.Validate(json.RawMessage(c.raw))
		if !iot.IsCode(err, iot.InvalidRequestException) {
			t.Errorf("%s: got %v, want InvalidRequestException", c.raw, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant it to contain %q", c.raw, err, c.want)
		}
	}
}

func TestValidateAt_Path(t *testing.T) {
	err := action.ValidateAt(json.RawMessage(`{"s3":{"roleArn":"r","key":"k"}}`), "topicRulePayload.actions.1.member")
	want := "1 validation error detected: Value null at 'topicRulePayload.actions.1.member.s3.bucketName' failed to satisfy constraint: Member must not be null"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestBuild_Kinds(t *testing.T) {
	want := map[string]string{
		"republish": "RepublishAction", "http": "HttpAction", "kafka": "KafkaAction", "sqlTable": "SqlTableAction",
		"s3": "S3Action", "dynamoDB": "DynamoAction", "dynamoDBv2": "DynamoActionV2", "sqs": "SqsAction",
		"sns": "SnsAction", "kinesis": "KinesisAction", "firehose": "FirehoseAction",
		"cloudwatchMetric": "CloudwatchMetricAction", "lambda": "LambdaAction",
		"cloudwatchAlarm": "CloudwatchAlarmAction", "cloudwatchLogs": "CloudwatchLogsAction",
		"elasticsearch": "ElasticsearchAction", "openSearch": "OpenSearchAction", "iotAnalytics": "IotAnalyticsAction",
		"iotEvents": "IotEventsAction", "iotSiteWise": "IotSiteWiseAction", "stepFunctions": "StepFunctionsAction",
		"timestream": "TimestreamAction", "location": "LocationAction", "salesforce": "SalesforceAction",
	}
	deps := fakeDeps()
	for name, raw := range goodActions {
		a, err := action.Build(json.RawMessage(raw), deps)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if a.Kind() != want[name] {
			t.Errorf("%s: Kind %q, want %q", name, a.Kind(), want[name])
		}
		if a.Resource() == "" {
			t.Errorf("%s: empty Resource", name)
		}
	}
}

func TestBuild_Invalid(t *testing.T) {
	_, err := action.Build(json.RawMessage(`{"s3":{}}`), fakeDeps())
	if !iot.IsCode(err, iot.InvalidRequestException) {
		t.Errorf("got %v, want InvalidRequestException", err)
	}
}

func TestNotImplemented_Do(t *testing.T) {
	a, err := action.Build(json.RawMessage(goodActions["salesforce"]), fakeDeps())
	if err != nil {
		t.Fatal(err)
	}
	err = a.Do(context.Background(), &action.Invocation{Output: []byte(`{}`)})
	if err == nil || err.Error() != "the salesforce action is not implemented in hob yet" {
		t.Errorf("got %v", err)
	}
	if a.Resource() != "https://ingestion.sfdc" {
		t.Errorf("Resource %q, want https://ingestion.sfdc", a.Resource())
	}
}
