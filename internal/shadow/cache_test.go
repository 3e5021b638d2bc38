package shadow

import (
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

// Two Services on one store stand for two nodes: each caches what it
// wrote, so after the other node's write its cache is stale. A request
// that is valid against the stored shadow must still succeed, and the
// version must continue from the stored one.
func TestService_Update_StaleCacheDecidesOnStoredDocument(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st store.Store, _ func() store.Store) {
		a, _ := newService(t, st, Options{})
		b, _ := newService(t, st, Options{})
		ok(t)(a.Update(ctx, "node", "", []byte(`{"state":{"reported":{"n":1}}}`)))
		ok(t)(b.Update(ctx, "node", "", []byte(`{"state":{"reported":{"n":2}}}`)))
		doc := ok(t)(a.Update(ctx, "node", "", []byte(`{"state":{"reported":{"m":3}},"version":2}`)))
		if field(t, doc, "version") != "3" {
			t.Fatalf("update with the stored version through a stale cache: %s", doc)
		}
		got := ok(t)(b.Get(ctx, "node", ""))
		if field(t, got, "version") != "3" || field(t, field(t, field(t, got, "state"), "reported"), "n") != "2" {
			t.Fatalf("stored shadow lost the other node's write: %s", got)
		}
		ok(t)(b.Delete(ctx, "node", ""))
		doc = ok(t)(a.Update(ctx, "node", "", []byte(`{"state":{"reported":{"n":4}}}`)))
		if field(t, doc, "version") != "4" {
			t.Fatalf("re-created after the other node's delete: %s", doc)
		}
		if st := field(t, ok(t)(a.Get(ctx, "node", "")), "state"); field(t, field(t, st, "reported"), "m") != "" {
			t.Fatalf("re-created shadow kept state from before the delete: %s", st)
		}
	})
}
