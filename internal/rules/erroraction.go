package rules

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// failure is one failed action of one (rule, message), as the error
// action's message lists it (spec §11).
type failure struct {
	Action   string `json:"failedAction"`   // "S3Action", "RepublishAction"...
	Resource string `json:"failedResource"` // bucket, topic, URL...
	Message  string `json:"errorMessage"`
}

// errorDoc is the error action's message, keys in AWS's order (spec §11).
type errorDoc struct {
	RuleName              string    `json:"ruleName"`
	Topic                 string    `json:"topic"`
	CloudwatchTraceID     string    `json:"cloudwatchTraceId"`
	ClientID              string    `json:"clientId"`
	Base64OriginalPayload string    `json:"base64OriginalPayload"`
	Failures              []failure `json:"failures"`
}

// errorMessage renders the error action's message for m: the topic as
// published (with a Basic Ingest prefix), the client id ("n/a" without an
// MQTT client, as clientid() says), the original payload, not the SELECT
// output, and every failure.
func errorMessage(ruleName string, m *Message, failures []failure) []byte {
	clientID := m.ClientID
	if clientID == "" {
		clientID = "n/a"
	}
	doc := errorDoc{RuleName: ruleName, Topic: m.publishedTopic(), CloudwatchTraceID: m.TraceID,
		ClientID: clientID, Base64OriginalPayload: base64.StdEncoding.EncodeToString(m.Payload), Failures: failures}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // AWS writes <, > and & as they are
	_ = enc.Encode(doc)      // only strings and a slice of them: cannot fail
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
