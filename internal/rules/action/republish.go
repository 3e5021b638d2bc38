package action

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// republishParams is AWS's RepublishAction (spec §10).
type republishParams struct {
	RoleArn string            `json:"roleArn"`
	Topic   string            `json:"topic"`
	QoS     *int              `json:"qos"`
	Headers *republishHeaders `json:"headers"`
}

// republishHeaders are the MQTT 5 properties of the republished message;
// every field takes substitution templates (spec §9).
type republishHeaders struct {
	PayloadFormatIndicator string     `json:"payloadFormatIndicator"`
	ContentType            string     `json:"contentType"`
	ResponseTopic          string     `json:"responseTopic"`
	CorrelationData        string     `json:"correlationData"`
	MessageExpiry          string     `json:"messageExpiry"`
	UserProperties         []keyValue `json:"userProperties"`
}

func (p *republishParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	c.required("topic", p.Topic)
	if p.QoS != nil && *p.QoS != 0 && *p.QoS != 1 {
		c.addf("qos", "Member must have value less than or equal to 1")
	}
	if h := p.Headers; h != nil {
		c.enum("headers.payloadFormatIndicator", h.PayloadFormatIndicator, "UNSPECIFIED_BYTES", "UTF8_DATA")
		c.maxLen("headers.contentType", h.ContentType, 1024)
		c.maxLen("headers.responseTopic", h.ResponseTopic, 1024)
		c.maxLen("headers.correlationData", h.CorrelationData, 1024)
		c.maxLen("headers.messageExpiry", h.MessageExpiry, 1024)
		if !isTemplate(h.ResponseTopic) && strings.ContainsAny(h.ResponseTopic, "+#") {
			c.addf("headers.responseTopic", "Member must not contain wildcards")
		}
		if len(h.UserProperties) > 100 {
			c.addf("headers.userProperties", "Member must have length less than or equal to 100")
		}
		for i, up := range h.UserProperties {
			c.required(fmt.Sprintf("headers.userProperties.%d.member.key", i+1), up.Key)
			c.required(fmt.Sprintf("headers.userProperties.%d.member.value", i+1), up.Value)
		}
	}
}

func (p *republishParams) build(d Deps) (Action, error) {
	if d.Republish == nil {
		return nil, errors.New("republish: no publisher configured")
	}
	a := &republish{p: *p, publish: d.Republish}
	if p.QoS != nil {
		a.qos = *p.QoS
	}
	return a, nil
}

// republish publishes the SELECT output through the broker.
type republish struct {
	p       republishParams
	qos     int
	publish func(context.Context, Republished) error
}

func (a *republish) Kind() string     { return "RepublishAction" }
func (a *republish) Resource() string { return a.p.Topic }

// Do renders the topic and headers and publishes the output.
func (a *republish) Do(ctx context.Context, inv *Invocation) error {
	m, err := a.message(inv)
	if err != nil {
		return fmt.Errorf("Failed to republish to topic %s. %w", a.p.Topic, err)
	}
	if err := a.publish(ctx, m); err != nil {
		return fmt.Errorf("Failed to republish to topic %s. The error received was %w", m.Topic, err)
	}
	return nil
}

// message builds the message to publish for inv.
func (a *republish) message(inv *Invocation) (Republished, error) {
	// AWS: a topic starting with $ is written $$ ($$aws/things/...).
	text := a.p.Topic
	if strings.HasPrefix(text, "$$") {
		text = text[1:]
	}
	topic, err := render(inv, text)
	if err != nil {
		return Republished{}, err
	}
	if topic == "" || strings.ContainsAny(topic, "+#") {
		return Republished{}, fmt.Errorf("invalid topic %q", topic)
	}
	m := Republished{Topic: topic, Payload: inv.Output, QoS: a.qos}
	if a.p.Headers != nil {
		err = a.headers(inv, &m)
	}
	return m, err
}

// headers renders the MQTT 5 properties into m.
func (a *republish) headers(inv *Invocation, m *Republished) error {
	h := a.p.Headers
	r := renderer{inv: inv}
	pfi := r.get(h.PayloadFormatIndicator)
	m.ContentType = r.get(h.ContentType)
	m.ResponseTopic = r.get(h.ResponseTopic)
	corr := r.get(h.CorrelationData)
	expiry := r.get(h.MessageExpiry)
	for _, up := range h.UserProperties {
		m.UserProperties = append(m.UserProperties, [2]string{r.get(up.Key), r.get(up.Value)})
	}
	if r.err != nil {
		return r.err
	}
	var err error
	switch pfi {
	case "", "UNSPECIFIED_BYTES":
	case "UTF8_DATA":
		m.PayloadFormatUTF8 = true
	default:
		return fmt.Errorf("invalid payloadFormatIndicator %q", pfi)
	}
	if strings.ContainsAny(m.ResponseTopic, "+#") {
		return fmt.Errorf("invalid responseTopic %q", m.ResponseTopic)
	}
	if corr != "" {
		if m.CorrelationData, err = base64.StdEncoding.DecodeString(corr); err != nil {
			return fmt.Errorf("correlationData is not base64: %v", err)
		}
	}
	if expiry != "" {
		n, err := parseInt("messageExpiry", expiry)
		if err != nil || n < 0 {
			return fmt.Errorf("invalid messageExpiry %q", expiry)
		}
		m.MessageExpiry = time.Duration(n) * time.Second
	}
	return nil
}

var _ Action = (*republish)(nil)
