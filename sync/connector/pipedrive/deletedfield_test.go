package pipedrive

import (
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestDeletedFieldReadDropsCachedFields: a custom field deleted in
// Pipedrive after the fields were cached is refused in a read narrowed to
// it (custom_fields); the read goes on whole, and the next run must fetch
// the fields again rather than ask for the deleted key (a refused call)
// every run for a day.
func TestDeletedFieldReadDropsCachedFields(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 3})
	if _, err := e.sim.CreatePerson(map[string]any{"name": "Ann Tier", "custom_fields": map[string]any{pdsim.FieldLeadSource: "Web"}}); err != nil {
		t.Fatal(err)
	}
	_, cache := storetest.MetaCache(t, "pd", vendor)
	connect := e.cachedConnector(t, cache)
	ctx := t.Context()
	if sc, err := connect().Schema(ctx, "persons"); err != nil {
		t.Fatal(err)
	} else if _, ok := sc.Field(pdsim.FieldLeadSource); !ok {
		t.Fatal("the custom field is not offered")
	}
	if err := e.sim.DeleteField("persons", pdsim.FieldLeadSource); err != nil {
		t.Fatal(err)
	}
	rctx := connector.WithReadFields(ctx, []string{"email", "name", pdsim.FieldLeadSource})
	n := 0
	for page, err := range connect().Read(rctx, "persons", "") {
		if err != nil {
			t.Fatalf("read after the field was deleted: %v", err)
		}
		n += len(page.Records)
	}
	if n == 0 {
		t.Fatal("the read listed no person")
	}
	sc, err := connect().Schema(ctx, "persons") // the run after
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Field(pdsim.FieldLeadSource); ok {
		t.Fatalf("the next run's schema still offers the deleted field %s (cached fields not dropped)", pdsim.FieldLeadSource)
	}
}
