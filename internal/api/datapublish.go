package api

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/topic"
)

// maxPublishPayload is AWS's cap on a message payload: 128 KiB (spec §4.11).
const maxPublishPayload = 128 << 10

// Headers of Publish's MQTT 5 members (spec §3.7).
const (
	hdrUserProperties  = "x-amz-mqtt5-user-properties"
	hdrPayloadFormat   = "x-amz-mqtt5-payload-format-indicator"
	hdrCorrelationData = "x-amz-mqtt5-correlation-data"
)

// parsePublish reads a Publish request into a message, checking what the
// broker would refuse: the topic (no wildcards, AWS's length and slash
// limits, no RETAIN on `$` topics, no `$aws/events/`), the QoS, the size
// and the MQTT 5 members.
func parsePublish(r *Request) (DataMessage, error) {
	m := DataMessage{Topic: r.Label("topic"), Payload: r.Body,
		ContentType: r.Query("contentType"), ResponseTopic: r.Query("responseTopic")}
	var err error
	if m.QoS, err = r.QueryInt("qos", 0, 0, 1); err != nil {
		return m, err
	}
	if m.Retain, err = r.QueryBool("retain", false); err != nil {
		return m, err
	}
	if err := checkPublishTopic(m.Topic, m.Retain); err != nil {
		return m, err
	}
	if len(m.Payload) > maxPublishPayload {
		return m, iot.Errorf(iot.RequestEntityTooLargeException,
			"payload of %d bytes exceeds AWS IoT's limit of %d bytes", len(m.Payload), maxPublishPayload)
	}
	if m.ResponseTopic != "" {
		if err := topic.ValidateName(m.ResponseTopic, topic.DefaultLimits()); err != nil {
			return m, iot.Errorf(iot.InvalidRequestException, "responseTopic %q: %v", m.ResponseTopic, err)
		}
	}
	if m.Expiry, err = messageExpiry(r); err != nil {
		return m, err
	}
	return m, parseMQTT5Headers(r, &m)
}

// checkPublishTopic applies the broker's rules for a published topic name
// (spec §4.5, §4.7).
func checkPublishTopic(name string, retain bool) error {
	if err := topic.ValidateName(name, topic.DefaultLimits()); err != nil {
		return iot.Errorf(iot.InvalidRequestException, "topic %q: %v", name, err)
	}
	switch {
	case retain && strings.HasPrefix(name, "$"):
		return iot.Errorf(iot.InvalidRequestException, "retain is not allowed on reserved $ topics such as %q", name)
	case strings.HasPrefix(name, "$aws/events/"):
		return iot.Errorf(iot.InvalidRequestException, "$aws/events/ topics are published by the broker only")
	}
	return nil
}

// messageExpiry parses ?messageExpiry=, seconds within MQTT 5's Message
// Expiry Interval (a four-byte integer); absent means never.
func messageExpiry(r *Request) (time.Duration, error) {
	n, err := r.QueryInt("messageExpiry", 0, 0, math.MaxUint32)
	return time.Duration(n) * time.Second, err
}

// parseMQTT5Headers reads the header-bound MQTT 5 members of Publish.
func parseMQTT5Headers(r *Request, m *DataMessage) error {
	switch v := r.Header(hdrPayloadFormat); v {
	case "", "UNSPECIFIED_BYTES":
	case "UTF8_DATA":
		if !utf8.Valid(m.Payload) {
			return iot.Errorf(iot.InvalidRequestException, "the payload is not valid UTF-8, as %s UTF8_DATA says", hdrPayloadFormat)
		}
		m.UTF8Payload = true
	default:
		return iot.Errorf(iot.InvalidRequestException, "%s must be UNSPECIFIED_BYTES or UTF8_DATA, got %q", hdrPayloadFormat, v)
	}
	if v := r.Header(hdrCorrelationData); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return iot.Errorf(iot.InvalidRequestException, "%s is not base64: %v", hdrCorrelationData, err)
		}
		m.CorrelationData = b
	}
	if v := r.Header(hdrUserProperties); v != "" {
		ps, err := decodeUserProperties(v)
		if err != nil {
			return err
		}
		m.UserProperties = ps
	}
	return nil
}

// decodeUserProperties reads x-amz-mqtt5-user-properties: base64 of a
// JSON array of single-pair objects, [{"k":"v"},...]. boto3 encodes the
// array as a JSON string first (the member is a jsonvalue), so a string
// is decoded once more (spec §3.7, §6 gotcha 10).
func decodeUserProperties(header string) ([]UserProperty, error) {
	bad := func(why string) error {
		return iot.Errorf(iot.InvalidRequestException,
			`%s must be base64 of a JSON array of single-pair objects such as [{"name":"value"}]: %s`, hdrUserProperties, why)
	}
	raw, err := base64.StdEncoding.DecodeString(header)
	if err != nil {
		return nil, bad("not base64")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = []byte(s)
	}
	var arr []map[string]string
	if err := json.Unmarshal(raw, &arr); err != nil {
		return nil, bad(trimJSONPrefix(err.Error()))
	}
	ps := make([]UserProperty, 0, len(arr))
	for _, o := range arr {
		if len(o) != 1 {
			return nil, bad("an object has other than one member")
		}
		for k, v := range o {
			ps = append(ps, UserProperty{Key: k, Value: v})
		}
	}
	return ps, nil
}
