package registry

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// defaultListPageSize is the page size of the listings whose default AWS
// does not document: the largest their models allow.
const defaultListPageSize = 250

// listLimit returns n, or def when n is 0 or less.
func listLimit(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// ListThingPrincipalsInput selects a page of ListThingPrincipals(V2).
type ListThingPrincipalsInput struct {
	ThingName  string
	NextToken  string
	MaxResults int                // 1 to 250; 0 means 250
	Type       ThingPrincipalType // filter (V2); empty lists all
}

// ThingPrincipal is one principal attached to a thing.
type ThingPrincipal struct {
	Principal string
	Type      ThingPrincipalType
}

// ListThingPrincipals lists the principals attached to a thing, in ARN
// order. A missing thing is a ResourceNotFoundException with moto's
// wording.
func (r *Registry) ListThingPrincipals(ctx context.Context, in ListThingPrincipalsInput) (Page[ThingPrincipal], error) {
	if err := iot.ThingName.Check(in.ThingName); err != nil {
		return Page[ThingPrincipal]{}, err
	}
	if err := checkThingPrincipalType(in.Type); err != nil {
		return Page[ThingPrincipal]{}, err
	}
	var page Page[ThingPrincipal]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		if err := principalThingExistsTxn(tx, in.ThingName); iot.IsCode(err, iot.ResourceNotFoundException) {
			return iot.Errorf(iot.ResourceNotFoundException,
				"Failed to list principals for thing %s because the thing does not exist in your account", in.ThingName)
		} else if err != nil {
			return err
		}
		var err error
		page, err = scanAttachments(tx, tableThingPrincipals, in.ThingName, in.NextToken, in.MaxResults, in.Type,
			func(principal string, t ThingPrincipalType) ThingPrincipal { return ThingPrincipal{principal, t} })
		return err
	})
	return page, err
}

// ListPrincipalThingsInput selects a page of ListPrincipalThings(V2).
type ListPrincipalThingsInput struct {
	Principal  string
	NextToken  string
	MaxResults int                // 1 to 250; 0 means 250
	Type       ThingPrincipalType // filter (V2); empty lists all
}

// PrincipalThing is one thing attached to a principal.
type PrincipalThing struct {
	ThingName string
	Type      ThingPrincipalType
}

// ListPrincipalThings lists the things attached to a principal, in name
// order. The principal must be a certificate of this account.
func (r *Registry) ListPrincipalThings(ctx context.Context, in ListPrincipalThingsInput) (Page[PrincipalThing], error) {
	if err := checkThingPrincipalType(in.Type); err != nil {
		return Page[PrincipalThing]{}, err
	}
	var page Page[PrincipalThing]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		if _, err := r.certPrincipalTxn(tx, in.Principal); err != nil {
			return err
		}
		var err error
		page, err = scanAttachments(tx, tablePrincipalThings, in.Principal, in.NextToken, in.MaxResults, in.Type,
			func(thing string, t ThingPrincipalType) PrincipalThing { return PrincipalThing{thing, t} })
		return err
	})
	return page, err
}

// scanAttachments pages through one side's thing↔principal attachments,
// keeping those of type typ (all when empty).
func scanAttachments[T any](tx store.ReadTx, table, side, token string, max int, typ ThingPrincipalType,
	mk func(other string, t ThingPrincipalType) T) (Page[T], error) {
	prefix := pairPrefix(side)
	page, err := scanPage(tx, table, prefix, token, listLimit(max, defaultListPageSize),
		func(rec store.Record) (T, bool, error) {
			var v thingPrincipalRecord
			var zero T
			if err := json.Unmarshal(rec.Value, &v); err != nil {
				return zero, false, err
			}
			return mk(strings.TrimPrefix(rec.Key, prefix), v.Type), typ == "" || v.Type == typ, nil
		})
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, err
}
