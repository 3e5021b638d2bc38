package eval

import (
	"context"
	"encoding/json"
	"time"
)

// Env is the message a rule evaluates, and what the context functions of
// spec §8.5 read.
type Env struct {
	Topic     string // for Basic Ingest, the part after $aws/rules/<rule>/ (spec §12)
	Payload   []byte
	ClientID  string // clientid(); "" reads as "n/a"
	Principal string
	SourceIP  string
	TraceID   string // traceid(); "" reads as Undefined
	AccountID string
	Received  time.Time // timestamp() = Received in epoch ms; zero reads the clock

	// MQTT 5 publish properties, for get_mqtt_property and get_user_properties.
	ContentType       string
	ResponseTopic     string
	CorrelationData   []byte
	PayloadFormatUTF8 bool
	UserProperties    [][2]string

	Lookups Lookups // nil: get_thing_shadow and get_registry_data yield their AWS error
}

// Lookups serves the external functions that hob answers itself (spec
// §8.6): get_thing_shadow from hob's shadows, get_registry_data from its
// registry.
type Lookups interface {
	// ThingShadow returns the GetThingShadow document; shadow "" is the
	// classic shadow.
	ThingShadow(ctx context.Context, thing, shadow string) ([]byte, error)
	// RegistryData returns DescribeThing's JSON for thing.
	RegistryData(ctx context.Context, thing string) (json.RawMessage, error)
}

// FuncError is a function's failure that fails the whole evaluation, as
// AWS fails a rule whose external call fails (spec §8.6): Run returns it
// and the runtime runs the rule's error action.
type FuncError struct {
	Func string // the function's name, lower case
	Msg  string
}

// Error reads "<func>: <msg>".
func (e *FuncError) Error() string { return e.Func + ": " + e.Msg }
