package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestChangingSidesForgetsOldLinks: a saved sync whose side B is
// changed to another CRM (the editor lets a person pick another
// connection for a saved sync) must not keep the links of the old CRM:
// store.SaveSync says "callers reset them explicitly when the sides
// change". Otherwise every HubSpot contact counts as linked to a
// Salesforce id the Zoho side never had, and none reaches Zoho.
func TestChangingSidesForgetsOldLinks(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 11, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatal(err)
	}
	first := app.DemoSync("contacts", "hs", "sf")
	first.Unmatched = "review" // leaves items about Salesforce records in review
	saveSyncs(t, a, first)
	firstRun, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || firstRun.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, firstRun)
	}
	if open, err := a.Reviews(ctx, "contacts", "", "open"); err != nil || len(open) == 0 {
		t.Fatalf("no review items after the first run: %v %v", open, err)
	}
	sfLinks := syncLinks(t, a, "contacts")
	if len(sfLinks) < 2 {
		t.Fatalf("links: %v", sfLinks)
	}
	// The same sync, now HubSpot ↔ Zoho.
	def := app.DemoZohoSync("contacts", "hs", "zc")
	saveSyncs(t, a, def)
	if open, err := a.Reviews(ctx, "contacts", "", "open"); err != nil || len(open) != 0 {
		t.Errorf("%d review items about the old sides are still open: %v", len(open), err)
	}
	zBefore := srv.Zoho().Count("Contacts")
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run after the change: %v", err)
	}
	if res.Summary.Status != "success" || srv.Zoho().Count("Contacts") == zBefore {
		t.Errorf("after the change: %+v; Zoho contacts %d -> %d", *res.Summary, zBefore, srv.Zoho().Count("Contacts"))
	}
	for _, l := range syncLinks(t, a, "contacts") {
		for _, old := range sfLinks {
			if l.BID == old.BID {
				t.Fatalf("after side B changed to Zoho the sync still links HubSpot %s to Salesforce id %s", l.AID, l.BID)
			}
		}
	}
	// The first run wrote to Salesforce records: undone now, its ids would
	// name whatever the new side has under them. It is refused; the run
	// after the change can be undone.
	if _, err := a.Undo(ctx, firstRun.Summary.RunID, app.RunOptions{DryRun: true}); err == nil || !strings.Contains(err.Error(), "cannot be undone") {
		t.Errorf("undo of a run made before the sides changed: %v; want it refused", err)
	}
	if u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{DryRun: true}); err != nil || u.Plan.Counts.Review == 0 && u.Plan.Counts.UpdateB == 0 {
		t.Errorf("undo preview of the run after the change: %v %+v", err, u.Plan)
	}
}
