package action_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/rules/action"
)

// locationBody is the BatchUpdateDevicePosition request body.
type locationBody struct {
	Updates []struct {
		DeviceId   string
		Position   []float64
		SampleTime string
	}
}

const locationRaw = `{"location":{"roleArn":"r","trackerName":"fleet-${id}","deviceId":"truck-${id}",` +
	`"latitude":"${lat}","longitude":"${lon}"%s}}`

func locationVars() map[string]string {
	return map[string]string{"id": "d1", "lat": "47.61", "lon": "-122.33", "ts": "1700000000"}
}

// TestLocation_Do_UpdatesPosition checks the request the SDK sends: to
// the BaseEndpoint itself (no "tracking." host prefix), signed for "geo",
// with the position in [longitude, latitude] order at the time of the
// firing.
func TestLocation_Do_UpdatesPosition(t *testing.T) {
	s := newAWSStandIn(t, "geo")
	a := buildAt(t, s.url, fmt.Sprintf(locationRaw, ""))
	if a.Kind() != "LocationAction" || a.Resource() != "fleet-${id}" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
	before := time.Now().Add(-time.Millisecond)
	must(t, invoke(t, a, `{}`, locationVars()))
	after := time.Now().Add(time.Millisecond)
	calls := s.got(t)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Method != "POST" || c.Path != "/tracking/v0/trackers/fleet-d1/positions" || c.Scope != "testing us-east-1 geo" {
		t.Errorf("request %s %s signed for %q", c.Method, c.Path, c.Scope)
	}
	var body locationBody
	decodeBody(t, c, &body)
	if len(body.Updates) != 1 {
		t.Fatalf("body %s", c.Body)
	}
	u := body.Updates[0]
	at, err := time.Parse(time.RFC3339Nano, u.SampleTime)
	if u.DeviceId != "truck-d1" || fmt.Sprint(u.Position) != "[-122.33 47.61]" || err != nil || at.Before(before) || at.After(after) {
		t.Errorf("update %+v, want truck-d1 at [-122.33 47.61] between %v and %v", u, before, after)
	}
}

func TestLocation_Do_TimestampUnits(t *testing.T) {
	for unit, want := range map[string]string{"": "2023-11-14T22:13:20Z", "SECONDS": "2023-11-14T22:13:20Z",
		"MICROSECONDS": "1970-01-20T16:13:20Z", "NANOSECONDS": "1970-01-01T00:28:20Z"} {
		s := newAWSStandIn(t, "geo")
		vars := locationVars()
		vars["ts"] = map[string]string{"": "1700000000000", "SECONDS": "1700000000",
			"MICROSECONDS": "1700000000000", "NANOSECONDS": "1700000000000"}[unit]
		ts := `,"timestamp":{"value":"${ts}"}`
		if unit != "" {
			ts = `,"timestamp":{"value":"${ts}","unit":"` + unit + `"}`
		}
		must(t, invoke(t, buildAt(t, s.url, fmt.Sprintf(locationRaw, ts)), `{}`, vars))
		var body locationBody
		decodeBody(t, s.got(t)[0], &body)
		at, err := time.Parse(time.RFC3339Nano, body.Updates[0].SampleTime)
		if err != nil || !at.Equal(mustTime(t, want)) {
			t.Errorf("unit %q: SampleTime %q, want %s", unit, body.Updates[0].SampleTime, want)
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	at, err := time.Parse(time.RFC3339, s)
	must(t, err)
	return at
}

func TestLocation_Do_Failures(t *testing.T) {
	s := newAWSStandIn(t, "geo")
	a := buildAt(t, s.url, fmt.Sprintf(locationRaw, `,"timestamp":{"value":"${ts}","unit":"SECONDS"}`))
	for k, want := range map[string]string{"lat": `latitude "north" is not a number`, "lon": `longitude "north" is not a number`,
		"ts": `timestamp.value "north" is not an integer`} {
		vars := locationVars()
		vars[k] = "north"
		wantFailure(t, invoke(t, a, `{}`, vars), "Failed to update the device position in Amazon Location tracker fleet-d1. The error received was "+want,
			"Message arrived on: dev/d1, Action: location")
	}
	if calls := s.got(t); len(calls) != 0 {
		t.Errorf("%d calls, want none", len(calls))
	}
	s.answer = `{"Errors":[{"DeviceId":"truck-d1","SampleTime":"2023-11-14T22:13:20Z","Error":{"Code":"ValidationError","Message":"latitude out of range"}}]}`
	wantFailure(t, invoke(t, a, `{}`, locationVars()), "device truck-d1 was rejected: ValidationError: latitude out of range")
	s.status, s.errType, s.answer = 404, "ResourceNotFoundException", `{"message":"Tracker fleet-d1 not found"}`
	wantFailure(t, invoke(t, a, `{}`, locationVars()), "tracker fleet-d1. The error received was Tracker fleet-d1 not found")
}

func TestLocation_Validate(t *testing.T) {
	cases := map[string]string{
		`{"location":{"roleArn":"r","trackerName":"t","deviceId":"d","latitude":"1"}}`:                                                          "Value null at 'location.longitude'",
		`{"location":{"trackerName":"t","deviceId":"d","latitude":"1","longitude":"2"}}`:                                                        "Value null at 'location.roleArn'",
		`{"location":{"roleArn":"r","deviceId":"d","latitude":"1","longitude":"2"}}`:                                                            "Value null at 'location.trackerName'",
		`{"location":{"roleArn":"r","trackerName":"t","deviceId":"d","latitude":"1","longitude":"2","timestamp":{"unit":"SECONDS"}}}`:           "Value null at 'location.timestamp.value'",
		`{"location":{"roleArn":"r","trackerName":"t","deviceId":"d","latitude":"1","longitude":"2","timestamp":{"value":"1","unit":"HOURS"}}}`: "'location.timestamp.unit'",
		`{"location":{}}`: "5 validation errors detected",
	}
	for raw, want := range cases {
		if err := action.Validate(json.RawMessage(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n%v\nwant an error containing %q", raw, err, want)
		}
	}
}
