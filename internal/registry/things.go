package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// Thing is one thing of the registry (spec §3.1).
type Thing struct {
	Name             string
	ID               string // a UUID, fixed at creation
	ARN              string
	TypeName         string // "" when the thing has no thing type
	Attributes       map[string]string
	Version          int64 // 1 at creation, +1 on every UpdateThing
	BillingGroupName string
}

// Attribute limits (spec §3.1): a thing without a thing type can have 3
// attributes, one with a type 50.
const (
	maxAttributesUntyped = 3
	maxAttributesTyped   = 50
)

// Page sizes of the registry's list operations (RegistryMaxResults 1–250).
const (
	registryPageDefault = 50
	registryPageMax     = 250
)

// thingRecord is a thing as stored in tableThings, keyed by thing name.
type thingRecord struct {
	ID               string            `json:"id"`
	TypeName         string            `json:"typeName,omitempty"`
	Attributes       map[string]string `json:"attributes,omitempty"`
	Version          int64             `json:"version"`
	BillingGroupName string            `json:"billingGroupName,omitempty"`
}

// CreateThingInput is the request of CreateThing. Attributes with an empty
// value are dropped, as UpdateThing drops them.
type CreateThingInput struct {
	Name             string
	TypeName         string
	Attributes       map[string]string
	BillingGroupName string
}

// CreateThing creates a thing with version 1 and a new UUID, and returns
// it. Creating an existing thing again with the same type, attributes and
// billing group returns the existing thing; with anything different it is
// a ResourceAlreadyExistsException (AWS: CreateThing is idempotent). The
// type must exist (ResourceNotFoundException) and not be deprecated
// (InvalidRequestException). hob has no billing groups yet, so naming one is
// a ResourceNotFoundException.
func (r *Registry) CreateThing(ctx context.Context, in CreateThingInput) (Thing, error) {
	if err := checkCreateThing(in); err != nil {
		return Thing{}, err
	}
	want := thingRecord{TypeName: in.TypeName, Attributes: withoutEmptyValues(in.Attributes),
		BillingGroupName: in.BillingGroupName}
	var out Thing
	err := r.st.Update(ctx, func(tx store.Tx) error {
		var have thingRecord
		found, err := getJSON(tx, tableThings, in.Name, &have)
		if err != nil {
			return err
		}
		if found {
			out = r.thing(in.Name, have)
			return r.sameThingConfig(in.Name, have, want)
		}
		if err := r.checkThingRefs(tx, want); err != nil {
			return err
		}
		want.ID, want.Version = newResourceID(), 1
		out = r.thing(in.Name, want)
		return putJSON(tx, tableThings, in.Name, want)
	})
	return out, err
}

// checkCreateThing validates a CreateThing request before it touches the store.
func checkCreateThing(in CreateThingInput) error {
	if err := iot.ThingName.Check(in.Name); err != nil {
		return err
	}
	if in.TypeName != "" {
		if err := iot.ThingTypeName.Check(in.TypeName); err != nil {
			return err
		}
	}
	if err := checkAttributes(in.Attributes); err != nil {
		return err
	}
	return checkAttributeCount(withoutEmptyValues(in.Attributes), in.TypeName != "")
}

// sameThingConfig returns nil when an existing thing has the configuration
// a repeated CreateThing asks for, and ResourceAlreadyExistsException if not.
func (r *Registry) sameThingConfig(name string, have, want thingRecord) error {
	if have.TypeName == want.TypeName && have.BillingGroupName == want.BillingGroupName &&
		maps.Equal(have.Attributes, want.Attributes) {
		return nil
	}
	return iot.AlreadyExists(have.ID, r.account.ARN(iot.TypeThing, name),
		"thing %s already exists with a different thing type, attributes or billing group", name)
}

// checkThingRefs checks that the thing type and billing group a thing is
// created with can be used.
func (r *Registry) checkThingRefs(tx store.ReadTx, rec thingRecord) error {
	if rec.TypeName != "" {
		if err := usableThingType(tx, rec.TypeName); err != nil {
			return err
		}
	}
	if rec.BillingGroupName != "" {
		return iot.Errorf(iot.ResourceNotFoundException,
			"billing group %s does not exist (hob does not implement billing groups yet)", rec.BillingGroupName)
	}
	return nil
}

// DescribeThing returns the thing called name, or ResourceNotFoundException.
func (r *Registry) DescribeThing(ctx context.Context, name string) (Thing, error) {
	if err := iot.ThingName.Check(name); err != nil {
		return Thing{}, err
	}
	var out Thing
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getThing(tx, name)
		out = r.thing(name, rec)
		return err
	})
	return out, err
}

// getThing reads the thing called name, or returns ResourceNotFoundException.
func getThing(tx store.ReadTx, name string) (thingRecord, error) {
	var rec thingRecord
	found, err := getJSON(tx, tableThings, name, &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.ResourceNotFoundException, "thing %s does not exist", name)
	}
	return rec, err
}

// thing builds the API view of a stored thing.
func (r *Registry) thing(name string, rec thingRecord) Thing {
	attrs := maps.Clone(rec.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	return Thing{Name: name, ID: rec.ID, ARN: r.account.ARN(iot.TypeThing, name), TypeName: rec.TypeName,
		Attributes: attrs, Version: rec.Version, BillingGroupName: rec.BillingGroupName}
}

// ListThingsInput selects things for ListThings. Zero values select all.
type ListThingsInput struct {
	NextToken  string
	MaxResults int // 1–250; 0 means 50
	// AttributeName and AttributeValue select things whose attribute has
	// that value (or, with UsePrefixAttributeValue, a value starting with
	// it). AttributeName alone selects things that have the attribute.
	AttributeName           string
	AttributeValue          string
	UsePrefixAttributeValue bool
	TypeName                string // things of this thing type only
}

// ListThings returns one page of things in name order.
func (r *Registry) ListThings(ctx context.Context, in ListThingsInput) (Page[Thing], error) {
	limit, err := registryMaxResults(in.MaxResults)
	if err != nil {
		return Page[Thing]{}, err
	}
	if err := checkListThings(in); err != nil {
		return Page[Thing]{}, err
	}
	var page Page[Thing]
	err = r.st.View(ctx, func(tx store.ReadTx) error {
		page, err = scanPage(tx, tableThings, "", in.NextToken, limit, func(rec store.Record) (Thing, bool, error) {
			t, err := decodeThing(rec)
			return r.thing(rec.Key, t), err == nil && in.matches(t), err
		})
		return err
	})
	if page.Items == nil {
		page.Items = []Thing{}
	}
	return page, err
}

// checkListThings validates ListThings' filters.
func checkListThings(in ListThingsInput) error {
	if in.TypeName != "" {
		if err := iot.ThingTypeName.Check(in.TypeName); err != nil {
			return err
		}
	}
	if in.AttributeName == "" {
		if in.AttributeValue != "" {
			return iot.Errorf(iot.InvalidRequestException, "attributeValue needs attributeName")
		}
		return nil
	}
	if err := iot.AttributeName.Check(in.AttributeName); err != nil {
		return err
	}
	if err := iot.AttributeValue.Check(in.AttributeValue); err != nil {
		return err
	}
	return nil
}

// matches reports whether a stored thing passes in's filters.
func (in ListThingsInput) matches(t thingRecord) bool {
	if in.TypeName != "" && t.TypeName != in.TypeName {
		return false
	}
	if in.AttributeName == "" {
		return true
	}
	v, ok := t.Attributes[in.AttributeName]
	switch {
	case !ok:
		return false
	case in.AttributeValue == "" || in.UsePrefixAttributeValue:
		return strings.HasPrefix(v, in.AttributeValue)
	default:
		return v == in.AttributeValue
	}
}

// registryMaxResults applies the default and the 1–250 range of the
// model's RegistryMaxResults to a requested page size.
func registryMaxResults(n int) (int, error) {
	if n == 0 {
		return registryPageDefault, nil
	}
	if n < 1 || n > registryPageMax {
		return 0, iot.Errorf(iot.InvalidRequestException, "maxResults must be 1 to %d, got %d", registryPageMax, n)
	}
	return n, nil
}

// decodeThing decodes a record of tableThings.
func decodeThing(rec store.Record) (thingRecord, error) {
	var t thingRecord
	if err := json.Unmarshal(rec.Value, &t); err != nil {
		return t, fmt.Errorf("registry: decoding thing %q: %w", rec.Key, err)
	}
	return t, nil
}
