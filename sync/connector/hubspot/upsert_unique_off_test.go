package hubspot

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestUpsertAfterUniqueRuleTurnedOff: the property list is held for a
// day in the metadata cache (a real SQLite file here), so after an admin
// turns off "Require unique values" on the upsert key, each run's
// connector still upserts by it and HubSpot refuses the batch. The refusal
// must fail the records once with words naming the object, the property
// and HubSpot's message (no split into one refused call per record), and
// read the property list again, so the next run no longer upserts by it.
func TestUpsertAfterUniqueRuleTurnedOff(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	up := func(name, key string) connector.Op {
		return connector.Op{Kind: connector.OpUpsert, Fields: map[string]string{"project_name": name, "crmsync_key": key}}
	}

	run1 := e.client()
	if k, err := run1.UpsertKey(ctx, projects); err != nil || k != "crmsync_key" { // as the engine plans a run
		t.Fatalf("UpsertKey = %q, %v", k, err)
	}
	res, err := run1.Upsert(ctx, projects, "crmsync_key", []connector.Op{up("Vostok", "k-vostok")})
	if err != nil || res[0].Err != nil {
		t.Fatalf("upsert while the key is unique: %v %+v", err, res)
	}
	if err := e.sim.SetUniqueValue(projects, "crmsync_key", false); err != nil {
		t.Fatal(err)
	}

	run2 := e.client() // the next run, its property list from the cache
	if k, err := run2.UpsertKey(ctx, projects); err != nil || k != "crmsync_key" {
		t.Fatalf("UpsertKey from the cache = %q, %v; the test needs the cached rule", k, err)
	}
	endpoint := "POST /crm/objects/2026-03/" + projects + "/batch/upsert"
	before := e.sim.Stats()[endpoint]
	ops := []connector.Op{up("Mir", "k-mir"), up("Salyut", "k-salyut"), up("Soyuz", "k-soyuz"), up("Vostok 2", "k-vostok")}
	res, err = run2.Upsert(ctx, projects, "crmsync_key", ops)
	if err != nil {
		t.Fatalf("upsert after the rule was turned off: %v; want record errors", err)
	}
	for i, r := range res {
		if r.Err == nil {
			t.Errorf("op %d (%s) written by a key HubSpot no longer keeps unique: %+v", i, ops[i].Fields["crmsync_key"], r)
			continue
		}
		msg := r.Err.Error()
		for _, want := range []string{projects, "crmsync_key", "Unable to perform update/upsert by non-unique"} {
			if !strings.Contains(msg, want) {
				t.Errorf("op %d error %q does not name %q", i, msg, want)
			}
		}
	}
	if n := e.sim.Stats()[endpoint] - before; n != 1 {
		t.Errorf("%d batch/upsert calls for one refused batch; every input names the same key, so one", n)
	}
	if n := e.sim.Count(projects); n != 1 {
		t.Errorf("%d projects in the portal; the refused batch made none, so want Vostok alone", n)
	}

	run3 := e.client() // the run after: the cache must not still say unique
	if k, err := run3.UpsertKey(ctx, projects); err != nil || k == "crmsync_key" {
		t.Errorf("next run's UpsertKey = %q, %v; the cached rule was not dropped, so it is refused again", k, err)
	}
}

// TestUniqueRuleTurnedOnNeedsNothing: the reverse, a rule turned on
// within the day the property list is held. The connector still takes the
// key for a plain property: it creates plainly and looks records up
// through search, both of which HubSpot answers for a unique property too,
// so writes and lookups go on until the list is read again.
func TestUniqueRuleTurnedOnNeedsNothing(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	if err := e.sim.SetUniqueValue(projects, "crmsync_key", false); err != nil {
		t.Fatal(err)
	}
	run1 := e.client()
	if k, err := run1.UpsertKey(ctx, projects); err != nil || k != "" {
		t.Fatalf("UpsertKey with the rule off = %q, %v; want none", k, err)
	}
	if err := e.sim.SetUniqueValue(projects, "crmsync_key", true); err != nil {
		t.Fatal(err)
	}
	run2 := e.client() // its property list from the cache: not unique
	res, err := run2.Write(ctx, projects, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Zarya", "crmsync_key": "k-zarya"}},
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create after the rule was turned on: %v %+v", err, res)
	}
	found, err := run2.Lookup(ctx, projects, "crmsync_key", []string{"k-zarya"})
	if err != nil || len(found) != 1 || found[0].ID != res[0].ID {
		t.Fatalf("lookup after the rule was turned on: %v %+v; want %s", err, found, res[0].ID)
	}
}
