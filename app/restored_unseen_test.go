package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestRestoredOutOfReadIsNotDeletedOnApproval: a Dataverse contact whose
// delete was found by the id comparison comes back from the recycle bin
// with its old modified time, older than the read cursor (another contact
// was edited after it), so no read returns it. Approving its held delete
// must not archive the linked HubSpot contact: the run lists the ids
// again before carrying the delete out, finds it live, and says so.
func TestRestoredOutOfReadIsNotDeletedOnApproval(t *testing.T) {
	ctx := context.Background()
	def := app.DemoDynamicsSync("s", "hs", "dynamics", "")
	def.Safety.PropagateDeletes = true
	a, srv := syncedThrough(t, 43, 6, "dynamics", "dynamics", def)
	links := syncLinks(t, a, "s")
	hsID, id, otherID := links[0].AID, links[0].BID, links[1].BID
	hsBefore, before := srv.HubSpot().Count("contacts"), srv.Dynamics().Count("contacts")
	time.Sleep(1100 * time.Millisecond)
	// Another contact edited now moves the cursor past every second the
	// held contact was stamped with.
	if _, err := srv.Dynamics().Update("contacts", otherID, map[string]any{"firstname": "Later"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Dynamics().Delete("contacts", id); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, FullResync: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := srv.Dynamics().Restore("contacts", id, false); err != nil {
		t.Fatal(err)
	}
	items, err := a.Reviews(ctx, "s", "delete", "open")
	if err != nil || len(items) != 1 {
		t.Fatalf("open held deletes: %v %+v", err, items)
	}
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run after the approval: %v", err)
	}
	if slices.ContainsFunc(srv.HubSpot().Records("contacts"), func(r hubspot.Record) bool { return r.ID == hsID && r.Archived }) {
		t.Errorf("HubSpot contact %s was archived although its linked Dataverse contact %s was restored and is live", hsID, id)
	}
	if !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool { return strings.Contains(w, "no longer deleted (restored?)") }) {
		t.Errorf("the run does not say the contact came back: %q", res.Plan.Warnings)
	}
	if h, n := srv.HubSpot().Count("contacts"), srv.Dynamics().Count("contacts"); h != hsBefore || n != before {
		t.Errorf("live HubSpot %d (was %d), Dataverse %d (was %d): a record was created or deleted", h, hsBefore, n, before)
	}
	if open, _ := a.Reviews(ctx, "s", "delete", "open"); len(open) != 0 {
		t.Errorf("held deletes still open: %+v", open)
	}
}
