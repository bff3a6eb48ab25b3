package mailchimp

import (
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// With the metadata cache of a real store, the next run's connector finds
// the default audience, its merge fields and its interest categories in
// the cache and asks Mailchimp for none of them; a fresh-schema request
// asks again.
func TestAudienceAndMergeFieldsCachedBetweenRuns(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 3})
	cat, err := e.sim.AddInterestCategory(e.sim.DefaultListID(), mcsim.InterestCategory{Title: "Topics", Interests: []mcsim.Interest{{Name: "News"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, cache := storetest.MetaCache(t, "mc", vendor)
	client, m := e.signIn(t)
	groupCalls := func() (cats, interests int64) {
		s := e.sim.Stats()
		return s["GET /3.0/lists/{list_id}/interest-categories"], s["GET /3.0/lists/{list_id}/interest-categories/{interest_category_id}/interests"]
	}
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
	if c, i := groupCalls(); err != nil || c != 1 || i != 1 {
		t.Fatalf("first schema: %v, %d interest-categories and %d interests calls", err, c, i)
	}
	if l, f := calls(); err != nil || l != 1 || f != 1 {
		t.Fatalf("first schema: %v, %d lists and %d merge-fields calls", err, l, f)
	}
	second, err := connect().Schema(t.Context(), objMembers)
	if l, f := calls(); err != nil || l != 1 || f != 1 || len(second.Fields) != len(first.Fields) {
		t.Fatalf("second run's schema: %v, %d lists and %d merge-fields calls, %d fields (first had %d)", err, l, f, len(second.Fields), len(first.Fields))
	}
	if c, i := groupCalls(); c != 1 || i != 1 {
		t.Errorf("second run: %d interest-categories and %d interests calls, want the first run's 1 and 1", c, i)
	}
	if f, ok := second.Field(interestsPrefix + cat.ID); !ok || len(f.Options) != 1 || f.Options[0].Label != "News" {
		t.Errorf("the cached schema's category field: %+v (found %v)", f, ok)
	}
	if _, err := connect().Schema(connector.WithFreshSchema(t.Context()), objMembers); err != nil {
		t.Fatal(err)
	}
	// The audience "members" names is pinned, not cached: a fresh schema
	// reads its fields again, not which audience it is.
	if l, f := calls(); l != 1 || f != 2 {
		t.Errorf("fresh schema: %d lists and %d merge-fields calls, want 1 and 2", l, f)
	}
	if c, i := groupCalls(); c != 2 || i != 2 {
		t.Errorf("fresh schema: %d interest-categories and %d interests calls, want 2 and 2", c, i)
	}
}
