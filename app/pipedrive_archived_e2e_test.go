package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestArchivedPipedriveDealHoldsNoDelete: Pipedrive's deal list
// leaves archived deals out (v2 spec, getDeals: "Returns data about all not
// archived deals"). With deletes propagated, a deal archived in Pipedrive
// is still there: no delete is held for it, and its HubSpot deal stays.
func TestArchivedPipedriveDealHoldsNoDelete(t *testing.T) {
	ctx := context.Background()
	a, srv := pipedriveDealsSynced(t, 34, 20)
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	links := syncLinks(t, a, "deals")
	if len(links) == 0 {
		t.Fatal("no deals linked")
	}
	l := links[0]
	id, _ := strconv.ParseInt(l.BID, 10, 64)
	if _, err := pd.UpdateDeal(id, map[string]any{"is_archived": true}); err != nil {
		t.Fatal(err)
	}
	// Deletes propagated from now: this run compares the ids.
	deals := app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs")
	deals.Safety.PropagateDeletes = true
	if err := a.SaveSync(ctx, deals); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Plan.Counts.HeldDelete != 0 || res.Summary.Deleted != 0 {
		t.Fatalf("run after archiving Pipedrive deal %s: %v %+v, held deletes %d\n%s", l.BID, err, res.Summary, res.Plan.Counts.HeldDelete, res.Plan.Summary())
	}
	if rs, err := a.Reviews(ctx, "deals", "delete", "open"); err != nil || len(rs) != 0 {
		t.Fatalf("open delete reviews: %+v %v", rs, err)
	}
	if h, ok := hs.Get("deals", l.AID); !ok || h.Archived {
		t.Fatalf("HubSpot deal %s after its Pipedrive deal was archived: %+v", l.AID, h)
	}
}

// pipedriveDealsSynced is connectedSandbox with Pipedrive connected as pd
// and the demo orgs and deals syncs between hs and pd saved and run once,
// each of which must succeed.
func pipedriveDealsSynced(t *testing.T, seed int64, contacts int) (*app.App, *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, contacts)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	saveSyncs(t, a, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs"))
	for _, name := range []string{"orgs", "deals"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	return a, srv
}
