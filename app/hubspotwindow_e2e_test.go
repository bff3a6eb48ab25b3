package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestNoChangeRunAfterBulkWriteReadsOnce: a first sync writes
// hundreds of HubSpot contacts, the next run reads them back at once
// (within HubSpot's search overlap window), and from then on nothing
// changes. HubSpot's read re-queries a few seconds back from the newest
// change, and narrows that once its search index has caught up; but a run
// that finds nothing new must still keep the narrowed cursor, or every
// later no-change run pages through the whole window again: a page per
// 200 contacts, forever, instead of the promised one read call.
func TestNoChangeRunAfterBulkWriteReadsOnce(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 11, 600)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	searches := func() int64 { return srv.Stats()["hubspot"]["POST /crm/objects/2026-03/contacts/search"] }
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Plan.Counts.CreateA < 400 {
		t.Fatalf("first run: %v %+v; want at least 400 HubSpot creates", err, first.Plan.Counts)
	}
	// The run right after reads crmsync's own writes back.
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v", err, res.Summary)
	}
	// Well past the overlap window and the search index's lag.
	time.Sleep(7 * time.Second)
	for i := 1; i <= 3; i++ {
		before := searches()
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Created+res.Summary.Updated != 0 || res.Plan.Counts.ReadA != 0 {
			t.Fatalf("no-change run %d: %v %+v", i, err, res.Plan.Counts)
		}
		if n := searches() - before; i > 1 && n != 1 {
			t.Errorf("no-change run %d made %d HubSpot search calls, want 1", i, n)
		}
	}
}
