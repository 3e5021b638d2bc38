package shadow

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/hob-iot/hob/internal/store"
)

// Page sizes of ListNamedShadowsForThing (botocore iot-data model:
// pageSize 1-100). AWS does not document its default [inf].
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// ListPage is one page of ListNamedShadowsForThing: shadow names in
// ascending order, the token of the next page ("" on the last), and the
// time of the answer in epoch seconds.
type ListPage struct {
	Results   []string
	NextToken string
	Timestamp int64
}

// ListNamed lists the named shadows of thing (spec §1.4, §1.9): never the
// classic shadow nor deleted ones; an unknown thing has an empty list.
// pageSize 0 means DefaultPageSize; nextToken "" starts at the beginning.
// A bad thing name, pageSize or nextToken is a 400 *Error.
func (s *Service) ListNamed(ctx context.Context, thing, nextToken string, pageSize int) (ListPage, error) {
	if e := checkNames(thing, "", true); e != nil {
		return ListPage{}, e
	}
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	if pageSize < 1 || pageSize > MaxPageSize {
		return ListPage{}, errorf(http.StatusBadRequest, "pageSize %d must be between 1 and %d", pageSize, MaxPageSize)
	}
	after, err := base64.RawURLEncoding.DecodeString(nextToken)
	if err != nil || (nextToken != "" && !validName(string(after), maxShadowName, true)) {
		return ListPage{}, errorf(http.StatusBadRequest, "Invalid nextToken: %q", nextToken)
	}
	page := ListPage{Results: []string{}, Timestamp: s.now()}
	names, more, err := s.scanNames(ctx, thing, string(after), pageSize)
	if err != nil {
		return ListPage{}, s.internal(err, shadowKey(thing, ""), "")
	}
	page.Results = append(page.Results, names...)
	if more {
		page.NextToken = base64.RawURLEncoding.EncodeToString([]byte(names[len(names)-1]))
	}
	return page, nil
}

// scanNames returns up to n names of thing's live named shadows after the
// name after, and whether more follow.
func (s *Service) scanNames(ctx context.Context, thing, after string, n int) ([]string, bool, error) {
	prefix := shadowKey(thing, "")
	var names []string
	more := false
	err := s.st.View(ctx, func(tx store.ReadTx) error {
		names, more = nil, false
		q := store.Query{Prefix: prefix, After: prefix + after}
		return tx.Scan(Table, q, func(rec store.Record) bool {
			name := strings.TrimPrefix(rec.Key, prefix)
			if name == "" || isTombstone(rec.Value) {
				return true
			}
			if len(names) == n {
				more = true
				return false
			}
			names = append(names, name)
			return true
		})
	})
	return names, more, err
}

// isTombstone reports whether a stored document is a deleted shadow's.
func isTombstone(value []byte) bool {
	d, err := decodeDocument(value)
	return err == nil && d.DeletedAt != 0
}
