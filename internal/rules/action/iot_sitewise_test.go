package action_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/rules/action"
)

// siteWiseRaw is an action with two entries: one by alias, with every
// kind of value from templates, and one by asset and property id.
const siteWiseRaw = `{"iotSiteWise":{"roleArn":"r","putAssetPropertyValueEntries":[
 {"entryId":"e-${id}","propertyAlias":"/plant/${id}/temp","propertyValues":[
  {"value":{"integerValue":"${i}"},"timestamp":{"timeInSeconds":"${ts}","offsetInNanos":"${ns}"},"quality":"${q}"},
  {"value":{"doubleValue":"${d}"},"timestamp":{"timeInSeconds":"${ts}"}},
  {"value":{"booleanValue":"${b}"},"timestamp":{"timeInSeconds":"${ts}"},"quality":"BAD"},
  {"value":{"stringValue":"${s}"},"timestamp":{"timeInSeconds":"${ts}"}}]},
 {"assetId":"a1b2c3d4-0000-4000-8000-000000000001","propertyId":"a1b2c3d4-0000-4000-8000-000000000002",
  "propertyValues":[{"value":{"integerValue":"7"},"timestamp":{"timeInSeconds":"1700000001"}}]}]}}`

// siteWiseVars are the template values of siteWiseRaw's firing.
func siteWiseVars() map[string]string {
	return map[string]string{"id": "d1", "i": "21", "ts": "1700000000", "ns": "500", "q": "GOOD",
		"d": "21.5", "b": "TRUE", "s": "on"}
}

func TestIotSiteWise_Do_SendsEntries(t *testing.T) {
	s := newAWSStandIn(t, "iotsitewise")
	a := buildAt(t, s.url, siteWiseRaw)
	if a.Kind() != "IotSiteWiseAction" || a.Resource() != "/plant/${id}/temp" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
	must(t, invoke(t, a, `{}`, siteWiseVars()))
	calls := s.got(t)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Method != "POST" || c.Path != "/properties" || c.Scope != "testing us-east-1 iotsitewise" {
		t.Errorf("request %s %s signed for %q", c.Method, c.Path, c.Scope)
	}
	var body struct {
		Entries []struct {
			EntryID, AssetID, PropertyID, PropertyAlias string
			PropertyValues                              []json.RawMessage
		}
	}
	decodeBody(t, c, &body)
	if len(body.Entries) != 2 {
		t.Fatalf("entries %s", c.Body)
	}
	e := body.Entries[0]
	if e.EntryID != "e-d1" || e.PropertyAlias != "/plant/d1/temp" || e.AssetID != "" || len(e.PropertyValues) != 4 {
		t.Errorf("first entry %+v", e)
	}
	want := []string{
		`{"value":{"integerValue":21},"timestamp":{"timeInSeconds":1700000000,"offsetInNanos":500},"quality":"GOOD"}`,
		`{"value":{"doubleValue":21.5},"timestamp":{"timeInSeconds":1700000000,"offsetInNanos":0}}`,
		`{"value":{"booleanValue":true},"timestamp":{"timeInSeconds":1700000000,"offsetInNanos":0},"quality":"BAD"}`,
		`{"value":{"stringValue":"on"},"timestamp":{"timeInSeconds":1700000000,"offsetInNanos":0}}`,
	}
	for i, v := range e.PropertyValues {
		if string(v) != want[i] {
			t.Errorf("value %d: %s\nwant %s", i+1, v, want[i])
		}
	}
	e = body.Entries[1]
	if _, err := uuid.Parse(e.EntryID); err != nil || e.AssetID != "a1b2c3d4-0000-4000-8000-000000000001" ||
		e.PropertyID != "a1b2c3d4-0000-4000-8000-000000000002" || e.PropertyAlias != "" {
		t.Errorf("second entry %+v, want a UUID entryId and the ids", e)
	}
}

func TestIotSiteWise_Do_Failures(t *testing.T) {
	s := newAWSStandIn(t, "iotsitewise")
	a := buildAt(t, s.url, siteWiseRaw)
	const first = "putAssetPropertyValueEntries.1.member.propertyValues."
	bad := map[string][2]string{
		"i":  {"abc", `1.member.value.integerValue "abc" is not a 32-bit integer`},
		"d":  {"hot", `2.member.value.doubleValue "hot" is not a finite number`},
		"b":  {"yes", `3.member.value.booleanValue "yes" is not true or false`},
		"ts": {"soon", `1.member.timestamp.timeInSeconds "soon" is not an integer`},
		"ns": {"2000000000", `1.member.timestamp.offsetInNanos 2000000000 is outside 0..999999999`},
		"q":  {"FINE", `1.member.quality "FINE" is not one of GOOD, BAD, UNCERTAIN`},
	}
	for k, c := range bad {
		vars := siteWiseVars()
		vars[k] = c[0]
		err := invoke(t, a, `{}`, vars)
		wantFailure(t, err, "Failed to send asset property values to IoT SiteWise (/plant/${id}/temp). The error received was "+first+c[1],
			"Message arrived on: dev/d1, Action: iotSiteWise")
	}
	if calls := s.got(t); len(calls) != 0 {
		t.Errorf("%d calls, want none for values that do not convert", len(calls))
	}
	s.answer = `{"errorEntries":[{"entryId":"e-d1","errors":[{"errorCode":"TimestampOutOfRangeException",` +
		`"errorMessage":"Timestamp is too old","timestamps":[{"timeInSeconds":1700000000}]}]}]}`
	wantFailure(t, invoke(t, a, `{}`, siteWiseVars()),
		"entry e-d1 was rejected: TimestampOutOfRangeException: Timestamp is too old (1 of 2 rejected)")
	s.status, s.errType, s.answer = 403, "AccessDeniedException", `{"message":"not authorized to iotsitewise:BatchPutAssetPropertyValue"}`
	wantFailure(t, invoke(t, a, `{}`, siteWiseVars()), "AWS answered 403 Forbidden (AccessDeniedException)",
		"not authorized to iotsitewise:BatchPutAssetPropertyValue")
}

func TestIotSiteWise_Validate(t *testing.T) {
	entry := func(e string) string {
		return `{"iotSiteWise":{"roleArn":"r","putAssetPropertyValueEntries":[` + e + `]}}`
	}
	ts := `"timestamp":{"timeInSeconds":"1"}`
	const v1 = "iotSiteWise.putAssetPropertyValueEntries.1.member.propertyValues.1.member."
	cases := map[string]string{
		`{"iotSiteWise":{"roleArn":"r"}}`: "Value null at 'iotSiteWise.putAssetPropertyValueEntries'",
		`{"iotSiteWise":{"putAssetPropertyValueEntries":[{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1"},` + ts + `}]}]}}`: "Value null at 'iotSiteWise.roleArn'",
		`{"iotSiteWise":{"roleArn":"r","putAssetPropertyValueEntries":[]}}`:                                                                     "'iotSiteWise.putAssetPropertyValueEntries' failed to satisfy constraint: Member must have length greater than or equal to 1",
		entry(`{"propertyAlias":"a"}`): "Value null at 'iotSiteWise.putAssetPropertyValueEntries.1.member.propertyValues'",
		entry(`{"assetId":"x","propertyValues":[{"value":{"integerValue":"1"},` + ts + `}]}`):                         "'iotSiteWise.putAssetPropertyValueEntries.1.member.propertyAlias'",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1","doubleValue":"2"},` + ts + `}]}`): "'" + v1 + "value' failed to satisfy constraint: exactly one of",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{},` + ts + `}]}`):                                     "'" + v1 + "value'",
		entry(`{"propertyAlias":"a","propertyValues":[{` + ts + `}]}`):                                                "Value null at '" + v1 + "value'",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1"}}]}`):                              "Value null at '" + v1 + "timestamp'",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1"},"timestamp":{}}]}`):               "Value null at '" + v1 + "timestamp.timeInSeconds'",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{"integerValue":"1"},` + ts + `,"quality":"FINE"}]}`):  "'" + v1 + "quality' failed to satisfy constraint: Member must satisfy enum value set: [GOOD, BAD, UNCERTAIN]",
		entry(`{"propertyAlias":"a","propertyValues":[{"value":{"stringValue":""},` + ts + `}]}`):                     "Value null at '" + v1 + "value.stringValue'",
	}
	for raw, want := range cases {
		if err := action.Validate(json.RawMessage(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n%v\nwant an error containing %q", raw, err, want)
		}
	}
	ok := entry(`{"propertyAlias":"a","propertyValues":[{"value":{"booleanValue":"${b}"},` + ts + `,"quality":"${q}"}]}`)
	if err := action.Validate(json.RawMessage(ok)); err != nil {
		t.Errorf("templated quality: %v", err)
	}
}
