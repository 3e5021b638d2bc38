package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

const (
	// logsMaxBatch is PutLogEvents' limit on events per call.
	logsMaxBatch = 10000
	// logsMaxKnownStreams bounds the streams one action remembers as
	// created; past it, it forgets them all and creates them again.
	logsMaxKnownStreams = 1024
)

// logsParams is AWS's CloudwatchLogsAction. logGroupName takes
// substitution templates (spec §9, through the API); roleArn is
// validated and otherwise ignored.
type logsParams struct {
	RoleArn      string `json:"roleArn"`
	LogGroupName string `json:"logGroupName"`
	BatchMode    bool   `json:"batchMode"`
}

func (p *logsParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("logGroupName", p.LogGroupName)
}

func (p *logsParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "logs", func(cfg aws.Config) *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(cfg) })
	if err != nil {
		return nil, err
	}
	return &logsAction{p: *p, client: c, now: time.Now, known: map[[2]string]bool{}}, nil
}

// logsAction writes log events into an existing log group with
// PutLogEvents.
//
// AWS IoT makes the log stream it writes to itself (AWS: the rule's role
// needs logs:CreateLogStream, DescribeLogStreams and PutLogEvents, not
// CreateLogGroup). hob writes to a stream named after the rule (rule
// "temps" writes stream "temps"), which it creates on its first write to
// each log group, and again if it has been deleted since. The log group
// is never created: a missing one fails the firing.
//
// Without batchMode the output, as text, is one event at the current
// time. With batchMode the output must be a JSON array and each element
// is one event. AWS documents the element as {"timestamp": <ms since
// the epoch>, "message": "..."}; an element of that shape gives its
// message at its timestamp (now when absent), and any other element is
// itself the message, at now. A message that is a JSON string is logged
// as its text, any other JSON value as written. Events are sorted by
// time, as PutLogEvents requires.
type logsAction struct {
	p      logsParams
	client *awsClient[*cloudwatchlogs.Client]
	now    func() time.Time

	mu    sync.Mutex         // guards known
	known map[[2]string]bool // (log group, stream) pairs created or found to exist
}

func (a *logsAction) Kind() string     { return "CloudwatchLogsAction" }
func (a *logsAction) Resource() string { return a.p.LogGroupName }

// Do renders the log group and puts the event(s).
func (a *logsAction) Do(ctx context.Context, inv *Invocation) error {
	group, err := render(inv, a.p.LogGroupName)
	if err == nil {
		err = a.do(ctx, inv, group)
	}
	if err != nil {
		if group == "" {
			group = a.p.LogGroupName
		}
		return fmt.Errorf("Failed to put CloudWatch Logs events to log group %s. The error received was %s. Message arrived on: %s, Action: cloudwatchLogs",
			group, errText(err), inv.Topic)
	}
	return nil
}

// do builds the events and puts them into the rule's stream of group,
// making the stream again once if it has been deleted since it was made.
func (a *logsAction) do(ctx context.Context, inv *Invocation, group string) error {
	events, err := a.events(inv.Output)
	if err != nil {
		return err
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return err
	}
	key := [2]string{group, logStreamName(inv.RuleName)}
	fresh, err := a.ensureStream(ctx, cl, key)
	if err == nil {
		err = putLogEvents(ctx, cl, key, events)
	}
	var missing *types.ResourceNotFoundException
	if err != nil && !fresh && errors.As(err, &missing) {
		a.forget(key)
		if _, err = a.ensureStream(ctx, cl, key); err == nil {
			err = putLogEvents(ctx, cl, key, events)
		}
	}
	return err
}

// logStreamName is the stream rule writes to: its name, or "hob" for
// an invocation without one.
func logStreamName(rule string) string {
	if rule == "" {
		return "hob"
	}
	return rule
}

func putLogEvents(ctx context.Context, cl *cloudwatchlogs.Client, key [2]string, events []types.InputLogEvent) error {
	_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(key[0]),
		LogStreamName: aws.String(key[1]), LogEvents: events})
	return err
}

// ensureStream creates the stream key unless it is known to exist, and
// reports whether it just created (or found) it.
func (a *logsAction) ensureStream(ctx context.Context, cl *cloudwatchlogs.Client, key [2]string) (bool, error) {
	a.mu.Lock()
	ok := a.known[key]
	a.mu.Unlock()
	if ok {
		return false, nil
	}
	_, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(key[0]),
		LogStreamName: aws.String(key[1])})
	var exists *types.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return true, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.known) >= logsMaxKnownStreams {
		clear(a.known)
	}
	a.known[key] = true
	return true, nil
}

// forget drops key from the known streams.
func (a *logsAction) forget(key [2]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.known, key)
}

// events turns the output into log events, sorted by time.
func (a *logsAction) events(output []byte) ([]types.InputLogEvent, error) {
	now := a.now().UnixMilli()
	if !a.p.BatchMode {
		return []types.InputLogEvent{{Message: aws.String(string(output)), Timestamp: aws.Int64(now)}}, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(output, &elems); err != nil {
		return nil, errors.New("batchMode needs the SELECT output to be a JSON array")
	}
	if len(elems) == 0 || len(elems) > logsMaxBatch {
		return nil, fmt.Errorf("batchMode takes 1 to %d log events, the output has %d", logsMaxBatch, len(elems))
	}
	events := make([]types.InputLogEvent, len(elems))
	for i, e := range elems {
		ev, err := batchEvent(e, now)
		if err != nil {
			return nil, fmt.Errorf("batchMode element %d: %w", i, err)
		}
		events[i] = ev
	}
	sort.SliceStable(events, func(i, j int) bool { return *events[i].Timestamp < *events[j].Timestamp })
	return events, nil
}

// batchEvent is the log event of one element of a batchMode array.
func batchEvent(elem json.RawMessage, now int64) (types.InputLogEvent, error) {
	var rec struct {
		Timestamp json.RawMessage `json:"timestamp"`
		Message   json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(elem, &rec); err != nil || rec.Message == nil {
		return types.InputLogEvent{Message: aws.String(jsonText(elem)), Timestamp: aws.Int64(now)}, nil
	}
	ts := now
	if rec.Timestamp != nil {
		var err error
		if ts, err = epochMillis(rec.Timestamp); err != nil {
			return types.InputLogEvent{}, err
		}
	}
	return types.InputLogEvent{Message: aws.String(jsonText(rec.Message)), Timestamp: aws.Int64(ts)}, nil
}

// epochMillis parses a batchMode timestamp: a JSON number of
// milliseconds since the epoch.
func epochMillis(raw json.RawMessage) (int64, error) {
	s := strings.TrimSpace(string(raw))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1<<62 {
		return int64(f), nil
	}
	return 0, fmt.Errorf("timestamp %s is not a number of milliseconds since the epoch", s)
}

// jsonText is the text of a JSON string, or any other JSON value as
// written.
func jsonText(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

var _ Action = (*logsAction)(nil)
