package registry

import (
	"context"
	"maps"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// UpdateThingInput is the request of UpdateThing.
type UpdateThingInput struct {
	Name string
	// TypeName, when set, gives the thing this thing type, which must exist
	// and not be deprecated. RemoveThingType removes the type instead; the
	// two cannot be combined.
	TypeName        string
	RemoveThingType bool
	// Attributes nil leaves the attributes alone. Otherwise they replace the
	// thing's attributes, or with Merge are merged into them; in both cases
	// an attribute given with an empty value is removed.
	Attributes map[string]string
	Merge      bool
	// ExpectedVersion, when set, must be the thing's current version
	// (VersionConflictException otherwise).
	ExpectedVersion *int64
}

// UpdateThing changes a thing's type and attributes and increments its
// version. The result must keep the attribute limit of a thing with or
// without a type. A missing thing is a ResourceNotFoundException.
func (r *Registry) UpdateThing(ctx context.Context, in UpdateThingInput) error {
	if err := checkUpdateThing(in); err != nil {
		return err
	}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getThing(tx, in.Name)
		if err != nil {
			return err
		}
		if err := checkThingVersion(in.Name, rec, in.ExpectedVersion); err != nil {
			return err
		}
		if err := applyThingType(tx, &rec, in); err != nil {
			return err
		}
		if in.Attributes != nil {
			rec.Attributes = applyAttributes(rec.Attributes, in.Attributes, in.Merge)
		}
		if err := checkAttributeCount(rec.Attributes, rec.TypeName != ""); err != nil {
			return err
		}
		rec.Version++
		return putJSON(tx, tableThings, in.Name, rec)
	})
	return r.notify(err, Change{Kind: ChangeThingUpdated, ThingName: in.Name})
}

// checkUpdateThing validates an UpdateThing request before it touches the store.
func checkUpdateThing(in UpdateThingInput) error {
	if err := iot.ThingName.Check(in.Name); err != nil {
		return err
	}
	if in.TypeName != "" {
		if in.RemoveThingType {
			return iot.Errorf(iot.InvalidRequestException,
				"thingTypeName and removeThingType cannot be used together")
		}
		if err := iot.ThingTypeName.Check(in.TypeName); err != nil {
			return err
		}
	}
	return checkAttributes(in.Attributes)
}

// applyThingType sets or removes rec's thing type as in asks. Keeping the
// type the thing already has is allowed even when it is deprecated.
func applyThingType(tx store.ReadTx, rec *thingRecord, in UpdateThingInput) error {
	switch {
	case in.RemoveThingType:
		rec.TypeName = ""
	case in.TypeName != "" && in.TypeName != rec.TypeName:
		if err := usableThingType(tx, in.TypeName); err != nil {
			return err
		}
		rec.TypeName = in.TypeName
	}
	return nil
}

// applyAttributes returns the attributes a thing has after an update with
// set: set alone, or have overlaid with set when merging; empty values
// remove attributes. Neither argument is modified.
func applyAttributes(have, set map[string]string, merge bool) map[string]string {
	out := map[string]string{}
	if merge {
		maps.Copy(out, have)
	}
	for k, v := range set {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkThingVersion returns VersionConflictException when expected is set
// and differs from the thing's version.
func checkThingVersion(name string, rec thingRecord, expected *int64) error {
	if expected == nil || *expected == rec.Version {
		return nil
	}
	return iot.Errorf(iot.VersionConflictException,
		"thing %s is at version %d, not the expected version %d", name, rec.Version, *expected)
}

// DeleteThingInput is the request of DeleteThing.
type DeleteThingInput struct {
	Name            string
	ExpectedVersion *int64 // when set, must be the thing's version
}

// DeleteThing deletes a thing and its tags. Deleting a thing that does not
// exist succeeds (AWS model: DeleteThing). A thing that still has
// principals attached cannot be deleted (InvalidRequestException).
func (r *Registry) DeleteThing(ctx context.Context, in DeleteThingInput) error {
	if err := iot.ThingName.Check(in.Name); err != nil {
		return err
	}
	found := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		var rec thingRecord
		var err error
		found, err = getJSON(tx, tableThings, in.Name, &rec)
		if err != nil || !found {
			return err
		}
		if err := checkThingVersion(in.Name, rec, in.ExpectedVersion); err != nil {
			return err
		}
		if err := checkNoPrincipals(tx, in.Name); err != nil {
			return err
		}
		if _, err := tx.Delete(tableThings, in.Name); err != nil {
			return err
		}
		return deleteTagsTxn(tx, r.account.ARN(iot.TypeThing, in.Name))
	})
	return r.notifyIf(err, found, Change{Kind: ChangeThingDeleted, ThingName: in.Name})
}

// checkNoPrincipals returns InvalidRequestException when a principal is
// still attached to the thing called name.
func checkNoPrincipals(tx store.ReadTx, name string) error {
	attached := false
	err := tx.Scan(tableThingPrincipals, store.Query{Prefix: pairPrefix(name), Limit: 1}, func(store.Record) bool {
		attached = true
		return false
	})
	if err == nil && attached {
		err = iot.Errorf(iot.InvalidRequestException,
			"thing %s cannot be deleted while principals are attached to it; detach them first (DetachThingPrincipal)", name)
	}
	return err
}
