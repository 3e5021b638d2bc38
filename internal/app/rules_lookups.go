package app

import (
	"context"
	"encoding/json"

	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/eval"
	"github.com/hob-iot/hob/internal/shadow"
)

// rulesLookups serves the rules' get_thing_shadow from hob's shadow
// service and get_registry_data from its registry (rules-engine spec
// §8.6).
type rulesLookups struct {
	shadows *shadow.Service
	things  *registry.Registry
}

// ThingShadow implements eval.Lookups: the GetThingShadow document.
func (l rulesLookups) ThingShadow(ctx context.Context, thing, name string) ([]byte, error) {
	return l.shadows.Get(ctx, thing, name)
}

// registryData is DescribeThing's answer, as get_registry_data returns it.
type registryData struct {
	DefaultClientID  string            `json:"defaultClientId"`
	ThingName        string            `json:"thingName"`
	ThingID          string            `json:"thingId"`
	ThingArn         string            `json:"thingArn"`
	ThingTypeName    string            `json:"thingTypeName,omitempty"`
	Attributes       map[string]string `json:"attributes"`
	Version          int64             `json:"version"`
	BillingGroupName string            `json:"billingGroupName,omitempty"`
}

// RegistryData implements eval.Lookups: DescribeThing's JSON, whose
// default client id is the thing's name (spec §3.1).
func (l rulesLookups) RegistryData(ctx context.Context, thing string) (json.RawMessage, error) {
	t, err := l.things.DescribeThing(ctx, thing)
	if err != nil {
		return nil, err
	}
	attrs := t.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	return json.Marshal(registryData{DefaultClientID: t.Name, ThingName: t.Name, ThingID: t.ID, ThingArn: t.ARN,
		ThingTypeName: t.TypeName, Attributes: attrs, Version: t.Version, BillingGroupName: t.BillingGroupName})
}

var _ eval.Lookups = rulesLookups{}
