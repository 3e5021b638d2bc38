package shadow

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// maxAttempts bounds the optimistic retries of one write: another node (or
// another Service on the same store) wrote the shadow between our read and
// our conditional write. Within one Service a shadow has one worker, so
// retries happen only across nodes.
const maxAttempts = 32

// backoff waits before retry attempt (1-based) of a conflicting write, a
// random time that grows with attempt, so that two nodes that keep
// colliding on one shadow fall out of step.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(rand.Int64N(int64(attempt)*int64(time.Millisecond)) + 1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// process runs j and returns the HTTP body, the MQTT messages to publish
// and, for HTTP, the error. An MQTT request's failure becomes a message on
// its /rejected topic; HTTP failures publish nothing (spec §1.5).
func (s *Service) process(j *job) ([]byte, []message, error) {
	prefix := topicPrefix(j.thing, j.name) + "/" + j.op.String()
	body, msgs, err := s.dispatch(j, prefix)
	if err == nil {
		return body, msgs, nil
	}
	var e *Error
	switch {
	case errors.As(err, &e):
	case j.fromHTTP && j.ctx.Err() != nil:
		return nil, nil, err // the caller gave up; nothing to answer
	default:
		e = s.internal(err, shadowKey(j.thing, j.name), "")
	}
	if j.fromHTTP {
		return nil, nil, e
	}
	return nil, []message{{prefix + "/rejected", renderError(e, s.now())}}, nil
}

// dispatch runs j's operation; prefix is the request topic.
func (s *Service) dispatch(j *job, prefix string) ([]byte, []message, error) {
	if !j.fromHTTP {
		if e := checkNames(j.thing, j.name, false); e != nil {
			return nil, nil, e
		}
	}
	switch j.op {
	case opGet:
		return s.get(j, prefix)
	case opUpdate:
		return s.update(j, prefix)
	default:
		return s.delete(j, prefix)
	}
}

// load reads a shadow's stored document and its record version; both are
// zero when there is no record.
func (s *Service) load(ctx context.Context, key string) (*Document, int64, error) {
	var rec store.Record
	err := s.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		rec, err = tx.Get(Table, key)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	d, err := decodeDocument(rec.Value)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, rec.Version, nil
}

// current returns the document an update starts from: the one this
// Service last wrote, when cached and cached is true, else the stored one.
// fromCache says which.
func (s *Service) current(ctx context.Context, key string, useCache bool) (d *Document, recVersion int64, fromCache bool, err error) {
	if useCache {
		if c, ok := s.cache.get(key); ok {
			return c.doc, c.recVersion, true, nil
		}
	}
	d, recVersion, err = s.load(ctx, key)
	return d, recVersion, false, err
}

// write stores d at key if the record still has version recVersion (0: no
// record), else returns an error wrapping store.ErrConflict. It returns
// the record's new version.
func (s *Service) write(ctx context.Context, key string, d *Document, recVersion int64) (int64, error) {
	value := encodeJSON(d)
	var v int64
	err := s.st.Update(ctx, func(tx store.Tx) error {
		var err error
		v, err = tx.PutIfVersion(Table, key, value, recVersion)
		return err
	})
	return v, err
}

// get answers a get request with the full document (spec §1.4).
func (s *Service) get(j *job, prefix string) ([]byte, []message, error) {
	token, perr := parseClientToken(j.payload)
	if perr != nil {
		return nil, nil, perr
	}
	d, _, err := s.load(j.ctx, shadowKey(j.thing, j.name))
	if err != nil {
		return nil, nil, err
	}
	if d == nil || d.DeletedAt != 0 {
		return nil, nil, notFound(j.thing, j.name, token)
	}
	body := renderGet(d, s.now(), token)
	if j.fromHTTP {
		return body, nil, nil
	}
	return body, []message{{prefix + "/accepted", body}}, nil
}

// update applies an update request with optimistic concurrency: read,
// merge, write if the record is unchanged, else read again (spec §1.6).
// It publishes update/accepted, update/delta (when the new state has a
// delta) and update/documents, for HTTP requests too (spec §1.5).
func (s *Service) update(j *job, prefix string) ([]byte, []message, error) {
	req, perr := parseUpdate(j.payload, limits{MaxRequestBytes: s.opts.MaxRequestBytes, MaxDepth: s.opts.MaxDepth})
	if perr != nil {
		return nil, nil, perr
	}
	key := shadowKey(j.thing, j.name)
	for attempt := 1; ; attempt++ {
		cur, recVersion, cached, err := s.current(j.ctx, key, attempt == 1)
		if err != nil {
			return nil, nil, err
		}
		out, e := updateDocument(cur, req, s.now(), s.rules)
		if e != nil && cached {
			s.cache.forget(key) // decide on the stored document, which another node may have changed
			continue
		}
		if e != nil {
			return nil, nil, e
		}
		newVersion, err := s.write(j.ctx, key, out.Doc, recVersion)
		if errors.Is(err, store.ErrConflict) && attempt < maxAttempts {
			s.cache.forget(key)
			if attempt > 1 {
				backoff(j.ctx, attempt)
			}
			continue
		}
		if err != nil {
			s.cache.forget(key)
			return nil, nil, err
		}
		s.cache.put(key, out.Doc, newVersion)
		return out.Accepted, []message{
			{prefix + "/accepted", out.Accepted},
			{prefix + "/delta", out.Delta},
			{prefix + "/documents", out.Documents},
		}, nil
	}
}

// delete replaces a live shadow with a tombstone that keeps its version
// (spec §1.6) and answers {"version":N,"timestamp":T} (spec §1.4). It
// publishes delete/accepted for HTTP requests too [inf].
func (s *Service) delete(j *job, prefix string) ([]byte, []message, error) {
	token, perr := parseClientToken(j.payload)
	if perr != nil {
		return nil, nil, perr
	}
	key := shadowKey(j.thing, j.name)
	for attempt := 1; ; attempt++ {
		cur, recVersion, err := s.load(j.ctx, key)
		if err != nil {
			return nil, nil, err
		}
		if cur == nil || cur.DeletedAt != 0 {
			return nil, nil, notFound(j.thing, j.name, token)
		}
		now := s.now()
		tomb := &Document{Version: cur.Version, DeletedAt: max(now, 1)}
		newVersion, err := s.write(j.ctx, key, tomb, recVersion)
		if errors.Is(err, store.ErrConflict) && attempt < maxAttempts {
			backoff(j.ctx, attempt)
			continue
		}
		if err != nil {
			s.cache.forget(key)
			return nil, nil, err
		}
		s.cache.put(key, tomb, newVersion)
		body := renderDelete(cur.Version, now, token)
		return body, []message{{prefix + "/accepted", body}}, nil
	}
}
