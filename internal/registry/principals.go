package registry

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// ThingPrincipalType is how a principal is attached to a thing (botocore
// ThingPrincipalType).
type ThingPrincipalType string

// The attachment types: an EXCLUSIVE_THING attachment must be the
// principal's only one; NON_EXCLUSIVE_THING (the default) lets the
// principal be attached to several things.
const (
	ExclusiveThing    ThingPrincipalType = "EXCLUSIVE_THING"
	NonExclusiveThing ThingPrincipalType = "NON_EXCLUSIVE_THING"
)

// checkThingPrincipalType validates t; empty is allowed (the default, or
// no filter).
func checkThingPrincipalType(t ThingPrincipalType) error {
	switch t {
	case "", ExclusiveThing, NonExclusiveThing:
		return nil
	}
	return iot.Errorf(iot.InvalidRequestException,
		"thingPrincipalType %q is not EXCLUSIVE_THING or NON_EXCLUSIVE_THING", t)
}

// thingPrincipalRecord is the value of both directions of a thing↔principal
// attachment.
type thingPrincipalRecord struct {
	Type     ThingPrincipalType `json:"type"`
	Attached time.Time          `json:"attached"`
}

// ThingPrincipalInput names a thing and a principal (a certificate ARN).
type ThingPrincipalInput struct {
	ThingName string
	Principal string
	// Type applies to AttachThingPrincipal only; empty means
	// NON_EXCLUSIVE_THING.
	Type ThingPrincipalType
}

// AttachThingPrincipal attaches a certificate to a thing, writing both
// directions of the relation in one transaction (spec §3.3). The thing must
// exist and the principal must be a certificate of this account
// (ResourceNotFoundException otherwise). Attaching again is allowed and
// sets the type. An EXCLUSIVE_THING attachment is refused
// (InvalidRequestException) while the principal is attached to another
// thing, and any attachment is refused while the principal is attached
// exclusively to another thing.
func (r *Registry) AttachThingPrincipal(ctx context.Context, in ThingPrincipalInput) error {
	if err := iot.ThingName.Check(in.ThingName); err != nil {
		return err
	}
	if err := checkThingPrincipalType(in.Type); err != nil {
		return err
	}
	if in.Type == "" {
		in.Type = NonExclusiveThing
	}
	changed := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		changed = false
		if err := r.checkThingAndPrincipalTxn(tx, in); err != nil {
			return err
		}
		others, err := thingsOfPrincipalTxn(tx, in.Principal)
		if err != nil {
			return err
		}
		have, attached := others[in.ThingName]
		changed = !attached || have != in.Type
		delete(others, in.ThingName)
		if err := checkExclusive(in, others); err != nil {
			return err
		}
		rec := thingPrincipalRecord{Type: in.Type, Attached: r.now().UTC()}
		if err := putJSON(tx, tableThingPrincipals, pairKey(in.ThingName, in.Principal), rec); err != nil {
			return err
		}
		return putJSON(tx, tablePrincipalThings, pairKey(in.Principal, in.ThingName), rec)
	})
	return r.notifyIf(err, changed, r.thingPrincipalChange(ChangeThingPrincipalAttached, in))
}

// thingPrincipalChange is the Change of attaching or detaching in.
func (r *Registry) thingPrincipalChange(kind ChangeKind, in ThingPrincipalInput) Change {
	c := r.certChange(kind, in.Principal)
	c.ThingName = in.ThingName
	return c
}

// checkExclusive applies EXCLUSIVE_THING's rule, given the types of the
// principal's attachments to other things.
func checkExclusive(in ThingPrincipalInput, others map[string]ThingPrincipalType) error {
	for thing, typ := range others {
		if typ == ExclusiveThing {
			return iot.Errorf(iot.InvalidRequestException,
				"principal %s is attached to thing %s as EXCLUSIVE_THING; detach it first", in.Principal, thing)
		}
		if in.Type == ExclusiveThing {
			return iot.Errorf(iot.InvalidRequestException,
				"principal %s is already attached to thing %s; an EXCLUSIVE_THING attachment must be its only one",
				in.Principal, thing)
		}
	}
	return nil
}

// DetachThingPrincipal removes both directions of a thing↔principal
// attachment. A missing thing, an unknown principal and a pair that is not
// attached are ResourceNotFoundExceptions [moto].
func (r *Registry) DetachThingPrincipal(ctx context.Context, in ThingPrincipalInput) error {
	if err := iot.ThingName.Check(in.ThingName); err != nil {
		return err
	}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		if err := r.checkThingAndPrincipalTxn(tx, in); err != nil {
			return err
		}
		found, err := tx.Delete(tableThingPrincipals, pairKey(in.ThingName, in.Principal))
		if err != nil {
			return err
		}
		if !found {
			return iot.Errorf(iot.ResourceNotFoundException,
				"principal %s is not attached to thing %s", in.Principal, in.ThingName)
		}
		_, err = tx.Delete(tablePrincipalThings, pairKey(in.Principal, in.ThingName))
		return err
	})
	return r.notify(err, r.thingPrincipalChange(ChangeThingPrincipalDetached, in))
}

func (r *Registry) checkThingAndPrincipalTxn(tx store.ReadTx, in ThingPrincipalInput) error {
	if err := principalThingExistsTxn(tx, in.ThingName); err != nil {
		return err
	}
	_, err := r.certPrincipalTxn(tx, in.Principal)
	return err
}

// thingsOfPrincipalTxn returns every thing attached to principal, with the
// attachment's type.
func thingsOfPrincipalTxn(tx store.ReadTx, principal string) (map[string]ThingPrincipalType, error) {
	out := map[string]ThingPrincipalType{}
	prefix := pairPrefix(principal)
	var decodeErr error
	err := tx.Scan(tablePrincipalThings, store.Query{Prefix: prefix}, func(rec store.Record) bool {
		var v thingPrincipalRecord
		if decodeErr = json.Unmarshal(rec.Value, &v); decodeErr != nil {
			return false
		}
		out[strings.TrimPrefix(rec.Key, prefix)] = v.Type
		return true
	})
	if err == nil {
		err = decodeErr
	}
	return out, err
}

// ThingsForPrincipal returns the names of the things attached to the
// principal (a certificate ARN), in name order, for the broker's
// iot:Connection.Thing.* policy variables (spec §2.4, §5.1). An unknown
// principal has none.
func (r *Registry) ThingsForPrincipal(ctx context.Context, principalARN string) ([]string, error) {
	var names []string
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		prefix := pairPrefix(principalARN)
		return tx.Scan(tablePrincipalThings, store.Query{Prefix: prefix}, func(rec store.Record) bool {
			names = append(names, strings.TrimPrefix(rec.Key, prefix))
			return true
		})
	})
	return names, err
}
