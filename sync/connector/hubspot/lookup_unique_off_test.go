package hubspot

import (
	"slices"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestLookupAfterUniqueRuleTurnedOff: the connector holds a property
// list for the day; an admin who turns off "Require unique values" on the
// key meanwhile makes HubSpot refuse a batch/read by it as idProperty. The
// lookup reads the property list again once and finds the records through
// search instead of failing the run, and later lookups search at once.
func TestLookupAfterUniqueRuleTurnedOff(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 25})
	c := oauthConnector(t, e)
	c.overlap = 50 * time.Millisecond // the wait before falling back to search; the sandbox's index does not lag here
	ctx := t.Context()
	res, err := c.Write(ctx, projects, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Vostok", "crmsync_key": "k-vostok"}},
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	if found, err := c.Lookup(ctx, projects, "crmsync_key", []string{"k-vostok"}); err != nil || len(found) != 1 {
		t.Fatalf("lookup while unique: %v %+v", err, found)
	}
	if err := e.sim.SetUniqueValue(projects, "crmsync_key", false); err != nil {
		t.Fatal(err)
	}
	twin, err := e.sim.Create(projects, map[string]string{"project_name": "Vostok 2", "crmsync_key": "k-vostok"})
	if err != nil {
		t.Fatalf("a second record with the key once the rule is off: %v", err)
	}
	// The sandbox refuses it as HubSpot does (its category: TestBatchReadByIDProperty).
	if st := e.direct(t, "POST", "/crm/objects/2026-03/"+projects+"/batch/read", map[string]any{"idProperty": "crmsync_key",
		"properties": []string{"project_name"}, "propertiesWithHistory": []string{}, "inputs": []any{map[string]string{"id": "k-vostok"}}}, nil); st != 400 {
		t.Fatalf("batch/read by a key no longer unique: %d; want 400", st)
	}

	props := "GET /crm/properties/2026-03/" + projects
	before := e.sim.Stats()
	found, err := c.Lookup(ctx, projects, "crmsync_key", []string{"k-vostok"})
	if err != nil {
		t.Fatalf("lookup after the unique rule was turned off: %v", err)
	}
	var ids []string
	for _, r := range found {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	want := []string{res[0].ID, twin.ID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("found %v; want both projects holding the key %v", ids, want)
	}
	if n := e.sim.Stats()[props] - before[props]; n != 1 {
		t.Errorf("%d property list reads; want the one refresh", n)
	}
	if d := c.LookupLag(projects, "crmsync_key"); d <= 0 {
		t.Errorf("LookupLag = %v; a lookup through search lags", d)
	}
	before = e.sim.Stats()
	if _, err := c.Lookup(ctx, projects, "crmsync_key", []string{"k-vostok"}); err != nil {
		t.Fatalf("second lookup: %v", err)
	}
	after := e.sim.Stats()
	if n := after[props] - before[props]; n != 0 {
		t.Errorf("the next lookup read the property list %d times again", n)
	}
	if n := after["POST /crm/objects/2026-03/"+projects+"/batch/read"] - before["POST /crm/objects/2026-03/"+projects+"/batch/read"]; n != 0 {
		t.Errorf("the next lookup tried batch/read %d times; the key is no longer unique", n)
	}
}
