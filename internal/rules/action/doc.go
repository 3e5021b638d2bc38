// Package action implements the actions of AWS IoT topic rules (spec
// §10): one file per action, each behind the small Action interface.
//
// # Lifecycle
//
// Validate checks one action object of the API ({"s3":{...}}) the way
// CreateTopicRule does, with no side effects. Build turns the same object
// into an Action; an Action is safe for concurrent use by the rules
// runtime's workers. Do runs one firing: it renders the action's
// substitution templates through Invocation.Render (spec §9), retries
// where AWS retries, and returns the final error, which the runtime
// reports to the rule's error action with Kind and Resource (spec §11).
// An Action that holds connections (kafka without Deps.Kafka) implements
// io.Closer; the runtime closes it when the rule is replaced or deleted.
//
// # Real and placeholder actions
//
// republish, http, kafka, sqlTable (hob's own), s3, dynamoDB, dynamoDBv2,
// sqs, sns, kinesis, firehose, cloudwatchMetric, cloudwatchAlarm,
// cloudwatchLogs, stepFunctions, timestream, openSearch, elasticsearch,
// lambda, location, iotEvents, iotSiteWise and iotAnalytics do their
// work. The one other action of AWS's model, salesforce, validates as
// AWS does, and its Do fails with "the salesforce action is not
// implemented in hob yet", which feeds the error action.
//
// # Caveats
//
//   - AWS actions reach the service through Deps.AWS's aws.Config: its
//     credentials, region and endpoint override stand in for roleArn,
//     which is validated and otherwise ignored.
//   - cloudwatchLogs writes to a log stream named after the rule, which
//     it creates; stepFunctions finds the state machine's ARN by listing
//     the state machines, since hob does not know the AWS account.
//   - timestream uses endpoint discovery only without an endpoint
//     override (BaseEndpoint): emulators are called directly. location
//     drops the SDK's "tracking." host prefix then, for the same reason.
//   - iotEvents, iotSiteWise and iotAnalytics have no SDK module: they
//     send hand-written REST-JSON calls signed with hob's credentials
//     (aws_rest.go, sign.go), one try each, and fail on the error
//     entries AWS lists in a 200 answer.
//   - kafka speaks SSL and SASL_SSL (PLAIN, SCRAM-SHA-512) trusting the
//     roots of Deps.HTTP, and PLAINTEXT (hob's addition, for on-premises
//     clusters); GSSAPI is rejected at Build.
//   - http sends one request per firing: enableBatching is accepted and
//     ignored. With auth.sigv4, http signs with hob's AWS credentials, as
//     openSearch and elasticsearch do (sign.go).
package action
