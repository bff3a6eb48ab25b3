package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestZohoRestoredIsNotDeletedOnApproval: a linked Zoho Contact is
// deleted (recycle bin) and its delete held for review; then it is restored
// from the recycle bin. Approving the held item must not archive the linked
// HubSpot contact, and the pair stays linked without a duplicate.
func TestZohoRestoredIsNotDeletedOnApproval(t *testing.T) {
	for _, bump := range []bool{true, false} {
		t.Run(map[bool]string{true: "modified-bumped", false: "modified-kept"}[bump], func(t *testing.T) {
			ctx := context.Background()
			def := app.DemoZohoSync("s", "hs", "zc")
			def.Safety.PropagateDeletes = true
			a, srv := syncedThrough(t, 43, 6, "zoho", "zc", def)
			links := syncLinks(t, a, "s")
			hsID, zID := links[0].AID, links[0].BID
			hsBefore, zBefore := srv.HubSpot().Count("contacts"), srv.Zoho().Count("Contacts")
			time.Sleep(1100 * time.Millisecond)
			if err := srv.Zoho().Delete("Contacts", zID); err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
				t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
			}
			time.Sleep(1100 * time.Millisecond)
			if err := srv.Zoho().Restore("Contacts", zID, bump); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
				t.Fatalf("run after the restore: %v", err)
			}
			items, err := a.Reviews(ctx, "s", "delete", "open")
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run after the approval: %v", err)
			}
			t.Logf("approved %d item(s): %+v warnings %v", len(items), res.Summary, res.Plan.Warnings)
			if h, ok := srv.HubSpot().Get("contacts", hsID); !ok || h.Archived {
				t.Errorf("HubSpot contact %s was archived although its linked Zoho Contact %s was restored and is live", hsID, zID)
			}
			if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
				t.Fatal(err)
			}
			if h, z := srv.HubSpot().Count("contacts"), srv.Zoho().Count("Contacts"); h != hsBefore || z != zBefore {
				t.Errorf("live HubSpot %d (was %d), Zoho %d (was %d): a record was created or deleted", h, hsBefore, z, zBefore)
			}
			linked := false
			for _, l := range syncLinks(t, a, "s") {
				linked = linked || l.AID == hsID && l.BID == zID
			}
			if !linked {
				t.Errorf("the link %s <-> %s is gone", hsID, zID)
			}
		})
	}
}

// TestDynamicsRestoredIsNotDeletedOnApproval: a linked Dataverse contact
// is deleted, its delete found by the id comparison (full resync) and held;
// then it is restored from the recycle bin (same id). Approving the held
// item must not archive the linked HubSpot contact.
func TestDynamicsRestoredIsNotDeletedOnApproval(t *testing.T) {
	for _, bump := range []bool{true, false} {
		t.Run(map[bool]string{true: "modified-bumped", false: "modified-kept"}[bump], func(t *testing.T) {
			ctx := context.Background()
			def := app.DemoDynamicsSync("s", "hs", "dv", "")
			def.Safety.PropagateDeletes = true
			a, srv := syncedThrough(t, 43, 6, "dynamics", "dv", def)
			links := syncLinks(t, a, "s")
			hsID, dID := links[0].AID, links[0].BID
			hsBefore, dBefore := srv.HubSpot().Count("contacts"), srv.Dynamics().Count("contacts")
			time.Sleep(1100 * time.Millisecond)
			if err := srv.Dynamics().Delete("contacts", dID); err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, FullResync: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
				t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
			}
			time.Sleep(1100 * time.Millisecond)
			if err := srv.Dynamics().Restore("contacts", dID, bump); err != nil {
				t.Fatal(err)
			}
			// A normal run (the ids were compared less than a day ago).
			if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
				t.Fatalf("run after the restore: %v", err)
			}
			items, err := a.Reviews(ctx, "s", "delete", "open")
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run after the approval: %v", err)
			}
			t.Logf("approved %d item(s): %+v warnings %v", len(items), res.Summary, res.Plan.Warnings)
			if h, ok := srv.HubSpot().Get("contacts", hsID); !ok || h.Archived {
				t.Errorf("HubSpot contact %s was archived although its linked Dataverse contact %s was restored and is live", hsID, dID)
			}
			if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
				t.Fatal(err)
			}
			if h, d := srv.HubSpot().Count("contacts"), srv.Dynamics().Count("contacts"); h != hsBefore || d != dBefore {
				t.Errorf("live HubSpot %d (was %d), Dataverse %d (was %d): a record was created or deleted", h, hsBefore, d, dBefore)
			}
		})
	}
}
