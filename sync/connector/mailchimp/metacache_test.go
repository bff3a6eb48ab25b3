package mailchimp

import (
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// With the metadata cache of a real store, the next run's connector finds
// the default audience and its merge fields in the cache and asks
// Mailchimp for neither; a fresh-schema request asks again.
func TestAudienceAndMergeFieldsCachedBetweenRuns(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 3})
	_, cache := storetest.MetaCache(t, "mc", vendor)
	client, m := e.signIn(t)
	calls := func() (lists, fields int64) {
		s := e.sim.Stats()
		return s["GET /3.0/lists"], s["GET /3.0/lists/{list_id}/merge-fields"]
	}
	connect := func() *Connector {
		o := testOptions()
		o.meta = cache
		c, err := newConnector(client, m.APIBase(), o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first, err := connect().Schema(t.Context(), objMembers)
	if l, f := calls(); err != nil || l != 1 || f != 1 {
		t.Fatalf("first schema: %v, %d lists and %d merge-fields calls", err, l, f)
	}
	second, err := connect().Schema(t.Context(), objMembers)
	if l, f := calls(); err != nil || l != 1 || f != 1 || len(second.Fields) != len(first.Fields) {
		t.Fatalf("second run's schema: %v, %d lists and %d merge-fields calls, %d fields (first had %d)", err, l, f, len(second.Fields), len(first.Fields))
	}
	if _, err := connect().Schema(connector.WithFreshSchema(t.Context()), objMembers); err != nil {
		t.Fatal(err)
	}
	if l, f := calls(); l != 2 || f != 2 {
		t.Errorf("fresh schema: %d lists and %d merge-fields calls, want 2 and 2", l, f)
	}
}
