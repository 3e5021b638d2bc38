package action

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hob-iot/hob/internal/iot"
)

// Invocation is one firing of an action.
type Invocation struct {
	RuleName string
	Topic    string // the message's topic
	Output   []byte // the SELECT output
	// Render evaluates a substitution template, given as the field's text
	// exactly as written in the action ("a/${topic(2)}"), against the
	// original message (spec §9). Actions call it only for text that
	// contains "${"; nil leaves such text as written.
	Render func(field string) (string, error)
}

// Action is one built action of a rule.
type Action interface {
	// Kind is AWS's name for the action in error messages (spec §11
	// failedAction): "RepublishAction", "S3Action", "HttpAction", ...
	Kind() string
	// Resource is the failedResource: the topic, bucket, table, queue
	// URL, URL... as written in the action.
	Resource() string
	// Do performs one firing, retrying inside where AWS retries, and
	// returns the final error.
	Do(ctx context.Context, inv *Invocation) error
}

// Deps are what actions need from hob.
type Deps struct {
	// Republish publishes in process through the broker (hop counting is
	// the runtime's job).
	Republish func(ctx context.Context, m Republished) error
	// AWS returns the configuration for one service ("s3", "dynamodb",
	// "sqs", "sns", "kinesis", "firehose", "monitoring", "logs",
	// "states", "lambda", "timestream", "geo", and for the signed
	// hand-written calls "ioteventsdata", "iotsitewise",
	// "iotanalytics"): credentials, region and
	// endpoint override (BaseEndpoint).
	AWS func(ctx context.Context, service string) (aws.Config, error)
	// HTTP sends the http action's requests; nil means a client with the
	// system roots. Its transport decides which roots TLS trusts.
	HTTP *http.Client
	// DB opens (or returns a cached) database for sqlTable: driver is
	// "sqlite" or "pgx". The action does not close what it gets.
	DB func(ctx context.Context, driver, dsn string) (*sql.DB, error)
	// AllowHTTP reports whether url falls under an ENABLED topic rule
	// destination; nil allows all.
	AllowHTTP func(url string) bool
	// Kafka, when set, shares producer clients between kafka actions, one
	// per distinct configuration; nil gives each action its own.
	Kafka *KafkaClients
}

// Republished is a message the republish action hands to the broker.
type Republished struct {
	Topic             string
	Payload           []byte
	QoS               int
	ContentType       string
	ResponseTopic     string
	CorrelationData   []byte
	PayloadFormatUTF8 bool
	MessageExpiry     time.Duration // 0: none
	UserProperties    [][2]string
}

// params is the decoded body of one kind of action object.
type params interface {
	// check adds every problem with the parameters to c.
	check(c *checker)
	// build makes the Action from checked parameters.
	build(d Deps) (Action, error)
}

// kinds maps each action key of AWS's Action shape (and hob's sqlTable)
// to a constructor of its parameters. It is never modified.
var kinds = map[string]func() params{
	"republish":        func() params { return new(republishParams) },
	"http":             func() params { return new(httpParams) },
	"kafka":            func() params { return new(kafkaParams) },
	"sqlTable":         func() params { return new(sqlTableParams) },
	"s3":               func() params { return new(s3Params) },
	"dynamoDB":         func() params { return new(dynamoParams) },
	"dynamoDBv2":       func() params { return new(dynamoV2Params) },
	"sqs":              func() params { return new(sqsParams) },
	"sns":              func() params { return new(snsParams) },
	"kinesis":          func() params { return new(kinesisParams) },
	"firehose":         func() params { return new(firehoseParams) },
	"cloudwatchMetric": func() params { return new(metricParams) },
	"lambda":           func() params { return new(lambdaParams) },
	"openSearch":       newSearchParams("openSearch", "OpenSearchAction"),
	"elasticsearch":    newSearchParams("elasticsearch", "ElasticsearchAction"),
	"cloudwatchAlarm":  func() params { return new(alarmParams) },
	"cloudwatchLogs":   func() params { return new(logsParams) },
	"stepFunctions":    func() params { return new(stepFunctionsParams) },
	"timestream":       func() params { return new(timestreamParams) },
	"location":         func() params { return new(locationParams) },
	"iotEvents":        func() params { return new(iotEventsParams) },
	"iotSiteWise":      func() params { return new(siteWiseParams) },
	"iotAnalytics":     func() params { return new(iotAnalyticsParams) },
}

// Names lists every action key Validate accepts, sorted.
func Names() []string {
	var names []string
	for n := range kinds {
		names = append(names, n)
	}
	for n := range placeholders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks one action object of the API ({"s3":{...}}) the way
// CreateTopicRule does, without side effects; errors are *iot.Error
// InvalidRequestException naming the field.
func Validate(raw json.RawMessage) error { return ValidateAt(raw, "") }

// ValidateAt is Validate with field paths in messages prefixed by at
// ("topicRulePayload.actions.1.member"), as AWS names them.
func ValidateAt(raw json.RawMessage, at string) error {
	_, _, err := decode(raw, at)
	return err
}

// Build makes the Action for one action object, validating it first.
func Build(raw json.RawMessage, deps Deps) (Action, error) {
	p, _, err := decode(raw, "")
	if err != nil {
		return nil, err
	}
	return p.build(deps)
}

// decode parses and checks raw, returning its parameters and key.
func decode(raw json.RawMessage, at string) (params, string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, "", iot.Errorf(iot.InvalidRequestException, "an action must be a JSON object naming one action")
	}
	if len(obj) != 1 {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, "", iot.Errorf(iot.InvalidRequestException,
			"an action must name exactly one action, found %d: [%s]", len(obj), strings.Join(keys, ", "))
	}
	var name string
	var body json.RawMessage
	for name, body = range obj {
	}
	p, err := newParams(name)
	if err != nil {
		return nil, name, err
	}
	path := joinPath(at, name)
	if err := unmarshal(body, p); err != nil {
		return nil, name, iot.Errorf(iot.InvalidRequestException, "could not parse '%s': %v", path, err)
	}
	c := &checker{at: path}
	p.check(c)
	return p, name, c.err()
}

// newParams returns empty parameters for the action key name.
func newParams(name string) (params, error) {
	if f, ok := kinds[name]; ok {
		return f(), nil
	}
	if ph, ok := placeholders[name]; ok {
		return &placeholderParams{name: name, spec: ph}, nil
	}
	return nil, iot.Errorf(iot.InvalidRequestException, "unknown action type '%s'", name)
}

// unmarshal decodes body into p; JSON null is an empty object. Unknown
// fields are ignored as AWS's deserializer does.
func unmarshal(body json.RawMessage, p params) error {
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		body = json.RawMessage("{}")
	}
	if ph, ok := p.(*placeholderParams); ok {
		return json.Unmarshal(body, &ph.fields)
	}
	return json.Unmarshal(body, p)
}

func joinPath(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
