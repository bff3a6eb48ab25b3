package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestRestoredRecordIsNotDeletedOnApproval: a linked Salesforce
// Contact is deleted, and the sync (propagating deletes) holds the delete
// for review. Before anyone decides, the Contact is restored from the
// Recycle Bin: the same person, live again. Approving the item the queue
// still shows must not delete the linked HubSpot contact of a Contact that
// exists: the item says "deleted on side B", which is no longer true.
func TestRestoredRecordIsNotDeletedOnApproval(t *testing.T) {
	ctx := context.Background()
	a, srv, restored := restoredContact(t)
	hsID, sfID := restored.AID, restored.BID
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run after the restore: %v", err)
	}
	t.Logf("run after the restore: %+v", res.Summary)
	items, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	// Read live again, the Contact has no delete left to approve: its
	// held delete closes by itself, saying so.
	if len(items) != 0 || !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool { return strings.Contains(w, "no longer deleted") }) {
		t.Errorf("after the restore: open delete items %+v, warnings %v; want none open and a warning", items, res.Plan.Warnings)
	}
	if done, err := a.Reviews(ctx, "contacts", "delete", "done"); err != nil || len(done) != 1 || done[0].RecordID != sfID {
		t.Errorf("closed delete items %+v, %v; want the Contact's", done, err)
	}
	for _, it := range items {
		if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run after the approval: %v", err)
	}
	t.Logf("run after the approval of %d open delete item(s): %+v warnings %v", len(items), res.Summary, res.Plan.Warnings)
	if h, ok := srv.HubSpot().Get("contacts", hsID); !ok || h.Archived {
		t.Errorf("HubSpot contact %s was deleted although its linked Contact %s was restored and is live", hsID, sfID)
	}
	if c, ok := srv.Salesforce().Get("Contact", sfID); !ok || c.Deleted {
		t.Errorf("the restored Contact %s is gone", sfID)
	}
	linked := false
	for _, l := range syncLinks(t, a, "contacts") {
		linked = linked || l.AID == hsID && l.BID == sfID
	}
	if !linked {
		t.Errorf("the link %s <-> %s is gone", hsID, sfID)
	}
}
