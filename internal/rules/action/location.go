package action

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/location"
	"github.com/aws/aws-sdk-go-v2/service/location/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// locationParams is AWS's LocationAction. trackerName, deviceId,
// latitude, longitude and timestamp.value take substitution templates
// (spec §9); roleArn is validated and otherwise ignored.
type locationParams struct {
	RoleArn     string               `json:"roleArn"`
	TrackerName string               `json:"trackerName"`
	DeviceID    string               `json:"deviceId"`
	Latitude    string               `json:"latitude"`
	Longitude   string               `json:"longitude"`
	Timestamp   *timestreamTimestamp `json:"timestamp"`
}

// check requires AWS's required members, and timestamp.value when
// timestamp is given; a unit, which takes no template, must be one of
// Timestream's (MILLISECONDS when absent).
func (p *locationParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("trackerName", p.TrackerName)
	c.required("deviceId", p.DeviceID)
	c.required("latitude", p.Latitude)
	c.required("longitude", p.Longitude)
	if t := p.Timestamp; t != nil {
		c.required("timestamp.value", t.Value)
		if t.Unit != "" && !slices.Contains(timestreamUnits, t.Unit) {
			c.addf("timestamp.unit", "Member must satisfy enum value set: [%s]", strings.Join(timestreamUnits, ", "))
		}
	}
}

func (p *locationParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "geo", newLocationClient)
	if err != nil {
		return nil, err
	}
	return &locationAction{p: *p, client: c, now: time.Now}, nil
}

// newLocationClient makes the Amazon Location client. On AWS the SDK
// sends BatchUpdateDevicePosition to the host "tracking." followed by
// the service's host. With a BaseEndpoint (--rules-aws-endpoint: an
// emulator, a proxy, a test server on 127.0.0.1) that prefix would make
// a host that does not resolve, so it is turned off and every call goes
// to the endpoint as given.
func newLocationClient(cfg aws.Config) *location.Client {
	return location.NewFromConfig(cfg, func(o *location.Options) {
		if cfg.BaseEndpoint != nil {
			o.APIOptions = append(o.APIOptions, noHostPrefix)
		}
	})
}

// noHostPrefix adds a step that turns off the operation's host prefix.
// It has to be a step: the client clears the context's stack values when
// an operation starts.
func noHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("hobNoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

// locationAction updates one device's position in an Amazon Location
// tracker with BatchUpdateDevicePosition: one update, its position
// [longitude, latitude] (GeoJSON's order), sampled at timestamp.value in
// its unit or, without timestamp, at the time of the firing. A position
// the service lists as an error fails the firing.
type locationAction struct {
	p      locationParams
	client *awsClient[*location.Client]
	now    func() time.Time
}

func (a *locationAction) Kind() string     { return "LocationAction" }
func (a *locationAction) Resource() string { return a.p.TrackerName }

// Do renders the update and sends it.
func (a *locationAction) Do(ctx context.Context, inv *Invocation) error {
	tracker, err := a.update(ctx, inv)
	if err != nil {
		if tracker == "" {
			tracker = a.p.TrackerName
		}
		return fmt.Errorf("Failed to update the device position in Amazon Location tracker %s. The error received was %s. Message arrived on: %s, Action: location",
			tracker, errText(err), inv.Topic)
	}
	return nil
}

// update renders the fields, sends the update and returns the tracker's
// rendered name.
func (a *locationAction) update(ctx context.Context, inv *Invocation) (string, error) {
	r := renderer{inv: inv}
	tracker, device, lat, lon := r.get(a.p.TrackerName), r.get(a.p.DeviceID), r.get(a.p.Latitude), r.get(a.p.Longitude)
	var at string
	if a.p.Timestamp != nil {
		at = r.get(a.p.Timestamp.Value)
	}
	if r.err != nil {
		return "", r.err
	}
	u := types.DevicePositionUpdate{DeviceId: aws.String(device)}
	var err error
	u.Position, err = locationPosition(lat, lon)
	if err != nil {
		return tracker, err
	}
	sample := a.now()
	if a.p.Timestamp != nil {
		if sample, err = locationTime(at, a.p.Timestamp.Unit); err != nil {
			return tracker, err
		}
	}
	u.SampleTime = aws.Time(sample)
	cl, err := a.client.get(ctx)
	if err != nil {
		return tracker, err
	}
	out, err := cl.BatchUpdateDevicePosition(ctx, &location.BatchUpdateDevicePositionInput{
		TrackerName: aws.String(tracker), Updates: []types.DevicePositionUpdate{u}})
	if err == nil && len(out.Errors) > 0 && out.Errors[0].Error != nil {
		e := out.Errors[0].Error
		err = fmt.Errorf("device %s was rejected: %s: %s", aws.ToString(out.Errors[0].DeviceId), e.Code, aws.ToString(e.Message))
	}
	return tracker, err
}

// locationPosition parses the rendered coordinates into [longitude,
// latitude].
func locationPosition(lat, lon string) ([]float64, error) {
	y, err := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	if err != nil {
		return nil, fmt.Errorf("latitude %q is not a number", lat)
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err != nil {
		return nil, fmt.Errorf("longitude %q is not a number", lon)
	}
	return []float64{x, y}, nil
}

// locationTime converts a rendered epoch time in unit (MILLISECONDS when
// empty) to a time.
func locationTime(value, unit string) (time.Time, error) {
	n, err := parseInt("timestamp.value", value)
	if err != nil {
		return time.Time{}, err
	}
	switch unit {
	case "SECONDS":
		return time.Unix(n, 0), nil
	case "MICROSECONDS":
		return time.UnixMicro(n), nil
	case "NANOSECONDS":
		return time.Unix(0, n), nil
	}
	return time.UnixMilli(n), nil
}

var _ Action = (*locationAction)(nil)
