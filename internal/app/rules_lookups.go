package app

import (
	"context"
	"encoding/json"

	"github.com/hob-iot/hob/internal/api"
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
	t.Attributes = attrs
	return api.DescribeThingJSON(t)
}

var _ eval.Lookups = rulesLookups{}
