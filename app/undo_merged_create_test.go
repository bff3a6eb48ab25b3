package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestUndoOfCreateMergedIntoOtherDeletesNothing: a run copies a new
// Salesforce contact to HubSpot; an admin then merges that copy with a
// contact HubSpot had before (the primary), and the next run moves the
// primary's link to the contact the merge made. Undoing the create run
// must not offer to delete that contact: it holds the primary's data, and
// the review item said "run N created <it>", naming a record the run never
// created and, as the record copied, the primary's Salesforce partner.
func TestUndoOfCreateMergedIntoOtherDeletesNothing(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 615, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	primary := links[0]
	time.Sleep(5 * time.Millisecond)
	s1, err := sf.Create("Contact", map[string]string{"Email": "new.one@merge.example", "FirstName": "Nia", "LastName": "New"})
	if err != nil {
		t.Fatal(err)
	}
	create, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || create.Summary.Created != 1 {
		t.Fatalf("run copying the new contact: %v %+v", err, create.Summary)
	}
	copyID := linkedA(t, a, "contacts", s1.ID)
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", primary.AID, copyID)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || linkedB(t, a, "contacts", merged) != primary.BID {
		t.Fatalf("run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	u, err := a.Undo(ctx, create.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	for _, it := range u.Plan.Review {
		if it.Kind == "delete" && (it.OtherID == merged || it.RecordID == merged) {
			t.Errorf("the undo offers to delete HubSpot %s, which holds the primary %s merged with the copy %s the run created: %+v", merged, primary.AID, copyID, it)
		}
	}
	items, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.OtherID == merged || it.RecordID == primary.BID {
			t.Errorf("open delete item %d names %s / %s: %s", it.ID, it.RecordID, it.OtherID, it.Detail)
		}
	}
	warned := strings.Join(u.Plan.Warnings, "\n")
	if !strings.Contains(warned, copyID) || !strings.Contains(warned, merged) {
		t.Errorf("the undo does not say the copy %s it would delete was merged into %s: %v", copyID, merged, u.Plan.Warnings)
	}
}
