package registry

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// getJSON reads the record at table/key into v. It returns found=false,
// and no error, when there is no record.
func getJSON(tx store.ReadTx, table, key string, v any) (found bool, err error) {
	rec, err := tx.Get(table, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(rec.Value, v); err != nil {
		return false, fmt.Errorf("registry: decoding %s/%q: %w", table, key, err)
	}
	return true, nil
}

// putJSON writes v as JSON at table/key.
func putJSON(tx store.Tx, table, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("registry: encoding %s/%q: %w", table, key, err)
	}
	_, err = tx.Put(table, key, b)
	return err
}

// Page is one page of a listing: the next page's token is empty on the
// last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// encodeToken makes an opaque pagination token from the last key of a page.
// Tokens are standard base64, which fits AWS's marker pattern
// [A-Za-z0-9+/]+={0,2} (spec §3.4).
func encodeToken(lastKey string) string {
	return base64.StdEncoding.EncodeToString([]byte(lastKey))
}

// decodeToken returns the key a token continues after ("" for no token).
func decodeToken(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return "", iot.Errorf(iot.InvalidRequestException, "the pagination token %q is not one hob issued", token)
	}
	return string(b), nil
}

// scanPage reads up to limit records of table under prefix after the
// token's key, decoding each with decode; keep may drop records (filters),
// and dropped records still advance the page. It returns the next token
// when more records may follow.
func scanPage[T any](tx store.ReadTx, table, prefix, token string, limit int,
	decode func(store.Record) (T, bool, error)) (Page[T], error) {
	after, err := decodeToken(token)
	if err != nil {
		return Page[T]{}, err
	}
	var page Page[T]
	var lastKey string
	var scanErr error
	count := 0
	err = tx.Scan(table, store.Query{Prefix: prefix, After: after}, func(rec store.Record) bool {
		if count == limit {
			page.Next = encodeToken(lastKey)
			return false
		}
		item, keep, err := decode(rec)
		if err != nil {
			scanErr = err
			return false
		}
		lastKey = rec.Key
		if keep {
			page.Items = append(page.Items, item)
			count++
		}
		return true
	})
	if err == nil {
		err = scanErr
	}
	return page, err
}
