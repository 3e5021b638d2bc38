package registry

import (
	"fmt"
	"math"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// creationIndex lists one kind of resource in creation order, oldest or
// newest first, as ListCertificates and ListPolicies do with their
// ascendingOrder flag (botocore model). It is two tables, because a store
// scans in ascending key order only: asc keyed by creation time and desc by
// its complement, each "time\x00id" with the time as 19 zero-padded digits
// of Unix nanoseconds, so that key order is time order. A record's value is
// the resource's own key.
type creationIndex struct {
	asc, desc string
}

// Creation-order indexes of certificates and policies.
var (
	certsByCreation    = creationIndex{"registry.certificates.created", "registry.certificates.created-desc"}
	policiesByCreation = creationIndex{"registry.policies.created", "registry.policies.created-desc"}
)

func (ix creationIndex) keys(created time.Time, id string) (asc, desc string) {
	n := created.UnixNano()
	return fmt.Sprintf("%019d\x00%s", n, id), fmt.Sprintf("%019d\x00%s", math.MaxInt64-n, id)
}

// put adds the resource id created at created to both orders.
func (ix creationIndex) put(tx store.Tx, created time.Time, id string) error {
	asc, desc := ix.keys(created, id)
	if _, err := tx.Put(ix.asc, asc, []byte(id)); err != nil {
		return err
	}
	_, err := tx.Put(ix.desc, desc, []byte(id))
	return err
}

// delete removes the resource id created at created from both orders.
func (ix creationIndex) delete(tx store.Tx, created time.Time, id string) error {
	asc, desc := ix.keys(created, id)
	if _, err := tx.Delete(ix.asc, asc); err != nil {
		return err
	}
	_, err := tx.Delete(ix.desc, desc)
	return err
}

// page returns up to limit resource ids after token, oldest first when
// ascending is true and newest first otherwise.
func (ix creationIndex) page(tx store.ReadTx, ascending bool, token string, limit int) (Page[string], error) {
	table := ix.desc
	if ascending {
		table = ix.asc
	}
	return scanPage(tx, table, "", token, limit, func(rec store.Record) (string, bool, error) {
		return string(rec.Value), true, nil
	})
}
