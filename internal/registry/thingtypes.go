package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// ThingType is a thing type of the registry (spec §3.1).
type ThingType struct {
	Name            string
	ID              string // a UUID, fixed at creation
	ARN             string
	Properties      ThingTypeProperties
	Deprecated      bool
	DeprecationDate time.Time // zero unless Deprecated
	CreationDate    time.Time
}

// ThingTypeProperties are what CreateThingType sets (botocore shape
// ThingTypeProperties).
type ThingTypeProperties struct {
	Description          string   // at most 2028 printable ASCII characters
	SearchableAttributes []string // at most 3 attribute names
	// PropagatingAttributes is mqtt5Configuration.propagatingAttributes:
	// thing or connection attributes added to MQTT 5 messages as user
	// properties.
	PropagatingAttributes []PropagatingAttribute
}

// PropagatingAttribute maps a thing attribute or a connection attribute
// to an MQTT 5 user property key.
type PropagatingAttribute struct {
	UserPropertyKey     string `json:"userPropertyKey"`
	ThingAttribute      string `json:"thingAttribute,omitempty"`
	ConnectionAttribute string `json:"connectionAttribute,omitempty"`
}

// equal reports whether p and q describe the same configuration.
func (p ThingTypeProperties) equal(q ThingTypeProperties) bool {
	return p.Description == q.Description && slices.Equal(p.SearchableAttributes, q.SearchableAttributes) &&
		slices.Equal(p.PropagatingAttributes, q.PropagatingAttributes)
}

// thingTypeRecord is a thing type as stored in tableThingTypes, keyed by name.
type thingTypeRecord struct {
	ID              string              `json:"id"`
	Properties      ThingTypeProperties `json:"properties"`
	Deprecated      bool                `json:"deprecated,omitempty"`
	DeprecationDate time.Time           `json:"deprecationDate,omitzero"`
	CreationDate    time.Time           `json:"creationDate"`
}

// CreateThingTypeInput is the request of CreateThingType.
type CreateThingTypeInput struct {
	Name       string
	Properties ThingTypeProperties
	Tags       []Tag
}

// CreateThingType creates a thing type with its tags and returns it.
// Creating an existing type again with the same properties returns the
// existing type and leaves its tags alone; with other properties it is a
// ResourceAlreadyExistsException (AWS model: CreateThingType).
func (r *Registry) CreateThingType(ctx context.Context, in CreateThingTypeInput) (ThingType, error) {
	if err := iot.ThingTypeName.Check(in.Name); err != nil {
		return ThingType{}, err
	}
	if err := checkThingTypeProperties(in.Properties); err != nil {
		return ThingType{}, err
	}
	var out ThingType
	err := r.st.Update(ctx, func(tx store.Tx) error {
		var have thingTypeRecord
		found, err := getJSON(tx, tableThingTypes, in.Name, &have)
		if err != nil {
			return err
		}
		if found {
			out = r.thingType(in.Name, have)
			return r.sameThingTypeConfig(in.Name, have, in.Properties)
		}
		rec := thingTypeRecord{ID: newResourceID(), Properties: in.Properties, CreationDate: r.now().UTC()}
		out = r.thingType(in.Name, rec)
		if err := putTagsTxn(tx, out.ARN, in.Tags); err != nil {
			return err
		}
		return putJSON(tx, tableThingTypes, in.Name, rec)
	})
	return out, err
}

// sameThingTypeConfig returns nil when an existing thing type has the
// properties a repeated CreateThingType asks for.
func (r *Registry) sameThingTypeConfig(name string, have thingTypeRecord, want ThingTypeProperties) error {
	if have.Properties.equal(want) {
		return nil
	}
	return iot.AlreadyExists(have.ID, r.account.ARN(iot.TypeThingType, name),
		"thing type %s already exists with different properties", name)
}

// DescribeThingType returns the thing type called name, or
// ResourceNotFoundException.
func (r *Registry) DescribeThingType(ctx context.Context, name string) (ThingType, error) {
	if err := iot.ThingTypeName.Check(name); err != nil {
		return ThingType{}, err
	}
	var out ThingType
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getThingType(tx, name)
		out = r.thingType(name, rec)
		return err
	})
	return out, err
}

// ListThingTypesInput selects thing types for ListThingTypes.
type ListThingTypesInput struct {
	NextToken  string
	MaxResults int // 1–250; 0 means 50
	// TypeName selects the types whose name starts with it. AWS matches
	// this filter as a prefix, not the whole name (moto notes the same).
	TypeName string
}

// ListThingTypes returns one page of thing types in name order.
func (r *Registry) ListThingTypes(ctx context.Context, in ListThingTypesInput) (Page[ThingType], error) {
	limit, err := registryMaxResults(in.MaxResults)
	if err != nil {
		return Page[ThingType]{}, err
	}
	if in.TypeName != "" {
		if err := iot.ThingTypeName.Check(in.TypeName); err != nil {
			return Page[ThingType]{}, err
		}
	}
	var page Page[ThingType]
	err = r.st.View(ctx, func(tx store.ReadTx) error {
		page, err = scanPage(tx, tableThingTypes, in.TypeName, in.NextToken, limit,
			func(rec store.Record) (ThingType, bool, error) {
				t, err := decodeThingType(rec)
				return r.thingType(rec.Key, t), err == nil, err
			})
		return err
	})
	if page.Items == nil {
		page.Items = []ThingType{}
	}
	return page, err
}

// DeprecateThingType marks a thing type deprecated, so no thing can be
// given it any more, or with undo makes it usable again. Deprecating a
// deprecated type keeps its first deprecation date.
func (r *Registry) DeprecateThingType(ctx context.Context, name string, undo bool) error {
	if err := iot.ThingTypeName.Check(name); err != nil {
		return err
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getThingType(tx, name)
		if err != nil {
			return err
		}
		switch {
		case undo:
			rec.Deprecated, rec.DeprecationDate = false, time.Time{}
		case !rec.Deprecated:
			rec.Deprecated, rec.DeprecationDate = true, r.now().UTC()
		}
		return putJSON(tx, tableThingTypes, name, rec)
	})
}

// DeleteThingType deletes a thing type and its tags. As AWS requires, the
// type must be deprecated first and no thing may still have it (both
// InvalidRequestException). AWS also makes callers wait five minutes after
// deprecating; hob does not.
func (r *Registry) DeleteThingType(ctx context.Context, name string) error {
	if err := iot.ThingTypeName.Check(name); err != nil {
		return err
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getThingType(tx, name)
		if err != nil {
			return err
		}
		if !rec.Deprecated {
			return iot.Errorf(iot.InvalidRequestException,
				"thing type %s must be deprecated (DeprecateThingType) before it can be deleted", name)
		}
		if err := checkTypeUnused(tx, name); err != nil {
			return err
		}
		if _, err := tx.Delete(tableThingTypes, name); err != nil {
			return err
		}
		return deleteTagsTxn(tx, r.account.ARN(iot.TypeThingType, name))
	})
}

// checkTypeUnused returns InvalidRequestException naming a thing that still
// has the thing type called name.
func checkTypeUnused(tx store.ReadTx, name string) error {
	var user string
	var decodeErr error
	err := tx.Scan(tableThings, store.Query{}, func(rec store.Record) bool {
		t, err := decodeThing(rec)
		if err != nil {
			decodeErr = err
			return false
		}
		if t.TypeName == name {
			user = rec.Key
		}
		return user == ""
	})
	if err == nil {
		err = decodeErr
	}
	if err == nil && user != "" {
		err = iot.Errorf(iot.InvalidRequestException,
			"thing type %s is still used by thing %s (and maybe others); change or remove their type first", name, user)
	}
	return err
}

// getThingType reads the thing type called name, or returns
// ResourceNotFoundException.
func getThingType(tx store.ReadTx, name string) (thingTypeRecord, error) {
	var rec thingTypeRecord
	found, err := getJSON(tx, tableThingTypes, name, &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.ResourceNotFoundException, "thing type %s does not exist", name)
	}
	return rec, err
}

// usableThingType returns nil when a thing may be given the thing type
// called name: it exists (ResourceNotFoundException) and is not deprecated
// (InvalidRequestException).
func usableThingType(tx store.ReadTx, name string) error {
	rec, err := getThingType(tx, name)
	if err == nil && rec.Deprecated {
		err = iot.Errorf(iot.InvalidRequestException,
			"thing type %s is deprecated; things cannot be given it (undo with DeprecateThingType --undo-deprecate)", name)
	}
	return err
}

// decodeThingType decodes a record of tableThingTypes.
func decodeThingType(rec store.Record) (thingTypeRecord, error) {
	var t thingTypeRecord
	if err := json.Unmarshal(rec.Value, &t); err != nil {
		return t, fmt.Errorf("registry: decoding thing type %q: %w", rec.Key, err)
	}
	return t, nil
}

// thingType builds the API view of a stored thing type.
func (r *Registry) thingType(name string, rec thingTypeRecord) ThingType {
	return ThingType{Name: name, ID: rec.ID, ARN: r.account.ARN(iot.TypeThingType, name),
		Properties: rec.Properties, Deprecated: rec.Deprecated,
		DeprecationDate: rec.DeprecationDate, CreationDate: rec.CreationDate}
}
