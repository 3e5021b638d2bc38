package eval

import (
	"encoding/base64"
	"strings"
)

// contextFuncs read the message's context (spec §8.5).
var contextFuncs = map[string]*funcDef{
	"topic":               {min: 0, max: 1, fn: fnTopic},
	"clientid":            {min: 0, max: 0, fn: fnClientID},
	"principal":           {min: 0, max: 0, fn: func(c *evalCtx, _ []Value) Value { return optString(c.env.Principal) }},
	"traceid":             {min: 0, max: 0, fn: func(c *evalCtx, _ []Value) Value { return optString(c.env.TraceID) }},
	"accountid":           {min: 0, max: 0, fn: func(c *evalCtx, _ []Value) Value { return optString(c.env.AccountID) }},
	"sourceip":            {min: 0, max: 0, fn: func(c *evalCtx, _ []Value) Value { return optString(c.env.SourceIP) }},
	"sql_version":         {min: 0, max: 0, fn: func(c *evalCtx, _ []Value) Value { return String(string(c.version)) }},
	"get_mqtt_property":   {min: 1, max: 1, fn: fnMQTTProperty},
	"get_user_properties": {min: 0, max: 1, fn: fnUserProperties},
}

// optString is s, or Undefined when the message has none.
func optString(s string) Value {
	if s == "" {
		return Undefined
	}
	return String(s)
}

// fnTopic is topic() (the whole topic) or topic(n) (its 1-based n-th
// level; Undefined past the end). Basic Ingest's prefix is already gone
// from Env.Topic (spec §12).
func fnTopic(c *evalCtx, a []Value) Value {
	if len(a) == 0 {
		return String(c.env.Topic)
	}
	n, ok := toInt64(a[0])
	if !ok || n < 1 {
		return Undefined
	}
	rest := c.env.Topic
	for ; n > 1; n-- {
		_, after, found := strings.Cut(rest, "/")
		if !found {
			return Undefined
		}
		rest = after
	}
	level, _, _ := strings.Cut(rest, "/")
	return String(level)
}

// fnClientID is the MQTT client id, "n/a" when the message did not come
// over MQTT.
func fnClientID(c *evalCtx, _ []Value) Value {
	if c.env.ClientID == "" {
		return String("n/a")
	}
	return String(c.env.ClientID)
}

// fnMQTTProperty is get_mqtt_property(name) for the MQTT 5 publish
// properties: format_indicator (UTF8_DATA or UNSPECIFIED_BYTES),
// content_type, response_topic, correlation_data (base64). Absent
// properties, and other names, are Undefined [unverified, spec §8.5].
func fnMQTTProperty(c *evalCtx, a []Value) Value {
	name, ok := toString(a[0])
	if !ok {
		return Undefined
	}
	switch strings.ToLower(name) {
	case "format_indicator":
		if c.env.PayloadFormatUTF8 {
			return String("UTF8_DATA")
		}
		return String("UNSPECIFIED_BYTES")
	case "content_type":
		return optString(c.env.ContentType)
	case "response_topic":
		return optString(c.env.ResponseTopic)
	case "correlation_data":
		if c.env.CorrelationData == nil {
			return Undefined
		}
		return String(base64.StdEncoding.EncodeToString(c.env.CorrelationData))
	}
	return Undefined
}

// fnUserProperties is get_user_properties(key): the values of the MQTT 5
// user properties named key, in order (keys may repeat); with no key, every
// property as {"key": value} objects. Undefined when there are none.
func fnUserProperties(c *evalCtx, a []Value) Value {
	var out []Value
	if len(a) == 0 {
		for _, kv := range c.env.UserProperties {
			o := NewObject(1)
			o.Set(kv[0], String(kv[1]))
			out = append(out, ObjectValue(o))
		}
	} else {
		key, ok := toString(a[0])
		if !ok {
			return Undefined
		}
		for _, kv := range c.env.UserProperties {
			if kv[0] == key {
				out = append(out, String(kv[1]))
			}
		}
	}
	if out == nil {
		return Undefined
	}
	return Array(out)
}
