package pipedrive

import (
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// With the metadata cache of a real store, a second connector (the next
// run) reads the custom fields from the cache and calls no fields API; a
// fresh-schema request asks Pipedrive again.
func TestFieldsCachedBetweenRuns(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 3})
	_, cache := storetest.MetaCache(t, "pd", vendor)
	fieldCalls := func() int64 { return e.sim.Stats()["GET /api/v2/personFields"] }
	connect := e.cachedConnector(t, cache)
	first, err := connect().Schema(t.Context(), "persons")
	if err != nil || fieldCalls() != 1 {
		t.Fatalf("first schema: %v, %d fields calls", err, fieldCalls())
	}
	var custom bool
	for _, f := range first.Fields {
		custom = custom || f.Name == pdsim.FieldLeadSource
	}
	if !custom {
		t.Fatalf("schema lacks the custom field %s: %+v", pdsim.FieldLeadSource, first.Fields)
	}
	second, err := connect().Schema(t.Context(), "persons")
	if err != nil || fieldCalls() != 1 || len(second.Fields) != len(first.Fields) {
		t.Fatalf("second run's schema: %v, %d fields calls, %d fields (first had %d)", err, fieldCalls(), len(second.Fields), len(first.Fields))
	}
	if _, err := connect().Schema(connector.WithFreshSchema(t.Context()), "persons"); err != nil || fieldCalls() != 2 {
		t.Fatalf("fresh schema: %v, %d fields calls, want 2", err, fieldCalls())
	}
}
