// Rule action templates for the rules editor, and a plain-words account of
// what an action would do, for the dry run.

// hob validates roleArn and otherwise ignores it (docs/rules.md).
const role = 'arn:aws:iam::123456789012:role/hob-rules'

export interface ActionTemplate {
  key: string
  label: string
  action: Record<string, unknown>
}

export const actionTemplates: ActionTemplate[] = [
  { key: 'republish', label: 'republish: publish the output to another topic', action: { republish: { roleArn: role, topic: 'out/${topic(2)}', qos: 1 } } },
  { key: 'lambda', label: 'lambda: invoke a function', action: { lambda: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:my-function' } } },
  { key: 'http', label: 'http: POST to a confirmed destination', action: { http: { url: 'https://example.com/ingest', headers: [{ key: 'content-type', value: 'application/json' }] } } },
  { key: 's3', label: 's3: put an object', action: { s3: { roleArn: role, bucketName: 'my-bucket', key: '${topic()}/${timestamp()}.json' } } },
  { key: 'sqs', label: 'sqs: send to a queue', action: { sqs: { roleArn: role, queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue', useBase64: false } } },
  { key: 'dynamoDBv2', label: 'dynamoDBv2: put an item', action: { dynamoDBv2: { roleArn: role, putItem: { tableName: 'my-table' } } } },
  { key: 'sqlTable', label: 'sqlTable (hob): insert a row', action: { sqlTable: { driver: 'sqlite', dsn: '/var/lib/hob/rules.db', table: 'readings', columns: { device: '${topic(2)}' } } } },
  { key: 'timestream', label: 'timestream: write a record per attribute', action: { timestream: { roleArn: role, databaseName: 'iot', tableName: 'readings', dimensions: [{ name: 'device', value: '${topic(2)}' }] } } },
  { key: 'openSearch', label: 'openSearch: index a document', action: { openSearch: { roleArn: role, endpoint: 'https://search.example.com', index: 'readings', type: '_doc', id: '${newuuid()}' } } },
]

type Params = Record<string, unknown>

function str(p: Params, k: string): string {
  const v = p[k]
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '?'
}

const describers: Record<string, (p: Params) => string> = {
  republish: (p) => `Publish the output to topic ${str(p, 'topic')} with QoS ${p.qos ?? 0}.`,
  lambda: (p) => `Invoke the Lambda function ${str(p, 'functionArn')} with the output.`,
  http: (p) => `POST the output to ${str(p, 'url')}.`,
  s3: (p) => `Put the output in S3 bucket ${str(p, 'bucketName')} as object ${str(p, 'key')}.`,
  sqs: (p) => `Send the output to the SQS queue ${str(p, 'queueUrl')}.`,
  sns: (p) => `Publish the output to the SNS topic ${str(p, 'targetArn')}.`,
  kinesis: (p) => `Put the output in the Kinesis stream ${str(p, 'streamName')}.`,
  firehose: (p) => `Put the output in the Firehose stream ${str(p, 'deliveryStreamName')}.`,
  dynamoDB: (p) => `Write a row to the DynamoDB table ${str(p, 'tableName')}.`,
  dynamoDBv2: (p) => `Put the output as an item in the DynamoDB table ${str((p.putItem ?? {}) as Params, 'tableName')}.`,
  sqlTable: (p) => `Insert a row into the ${str(p, 'driver')} table ${str(p, 'table')}.`,
  cloudwatchMetric: (p) => `Record the CloudWatch metric ${str(p, 'metricNamespace')}/${str(p, 'metricName')}.`,
  cloudwatchLogs: (p) => `Write the output to the CloudWatch log group ${str(p, 'logGroupName')}.`,
  kafka: (p) => `Send the output to the Kafka topic ${str(p, 'topic')}.`,
  cloudwatchAlarm: (p) => `Set the CloudWatch alarm ${str(p, 'alarmName')} to ${str(p, 'stateValue')}.`,
  stepFunctions: (p) => `Start an execution of the state machine ${str(p, 'stateMachineName')} with the output as input.`,
  timestream: (p) => `Write one record per output attribute to the Timestream table ${str(p, 'databaseName')}.${str(p, 'tableName')}.`,
  openSearch: (p) => `Index the output in ${str(p, 'endpoint')}, index ${str(p, 'index')}.`,
  elasticsearch: (p) => `Index the output in ${str(p, 'endpoint')}, index ${str(p, 'index')}.`,
  location: (p) => `Update the position of device ${str(p, 'deviceId')} in the tracker ${str(p, 'trackerName')}.`,
  iotEvents: (p) => `Send the output to the IoT Events input ${str(p, 'inputName')}.`,
  iotSiteWise: () => `Put asset property values in IoT SiteWise.`,
  iotAnalytics: (p) => `Send the output to the IoT Analytics channel ${str(p, 'channelName')}.`,
}

// describeAction says what one action object ({"republish": {...}}) would
// do with the rule's output.
export function describeAction(key: string, action: unknown): string {
  const params = action && typeof action === 'object' ? (action as Params)[key] : undefined
  const p = params && typeof params === 'object' ? (params as Params) : {}
  const text = describers[key]?.(p) ?? `Run the ${key} action.`
  return JSON.stringify(p).includes('${') ? `${text} Substitution templates (\${…}) are filled in when the rule runs.` : text
}
