package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestMergeBetweenPreviewAndApply: the user previews a run that
// copies a Salesforce edit to a HubSpot contact; before they apply it an
// admin merges that contact with another. The run applied writes the edit
// to the contact the merge made, linked with the Salesforce Contact, and
// creates nothing in either CRM.
func TestMergeBetweenPreviewAndApply(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 614, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	keep, other := links[0], links[1]
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", keep.BID, map[string]string{"FirstName": "Previewed"}); err != nil {
		t.Fatal(err)
	}
	preview, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil || preview.Plan.Counts.UpdateA == 0 {
		t.Fatalf("preview: %v %+v", err, preview.Plan)
	}
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", keep.AID, other.AID)
	if err != nil {
		t.Fatal(err)
	}
	hsN, sfN := hs.Count("contacts"), sf.Count("Contact")
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
	if err != nil || res.Summary.Failed != 0 {
		t.Fatalf("apply after the merge: %s", line)
	}
	if c, _ := hs.Get("contacts", merged); c.Properties["firstname"] != "Previewed" {
		t.Errorf("HubSpot %s (the merge of %s and %s): firstname %q, want the edit; %s", merged, keep.AID, other.AID, c.Properties["firstname"], line)
	}
	if b := linkedB(t, a, "contacts", merged); b != keep.BID {
		t.Errorf("HubSpot %s linked with %q, want %s", merged, b, keep.BID)
	}
	if hs.Count("contacts") != hsN || sf.Count("Contact") != sfN {
		t.Errorf("records created: HubSpot %d → %d, Salesforce %d → %d; %s", hsN, hs.Count("contacts"), sfN, sf.Count("Contact"), line)
	}
}

// TestMergeOnBothSidesAtOnce: two linked pairs are merged in both
// CRMs between runs (HubSpot into a new contact, Salesforce into the
// first Contact). The run links the merged records with each other,
// creates and deletes nothing, and leaves no delete to review: the
// records merged away are gone on both sides.
func TestMergeOnBothSidesAtOnce(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 615, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	keep, gone := links[0], links[1]
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", keep.AID, gone.AID)
	if err != nil {
		t.Fatal(err)
	}
	if err := sf.Merge("Contact", keep.BID, gone.BID); err != nil {
		t.Fatal(err)
	}
	hsN, sfN := hs.Count("contacts"), sf.Count("Contact")
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if err != nil || res.Summary.Failed != 0 {
			t.Fatalf("run %d after the merges: %s", i, line)
		}
		if b := linkedB(t, a, "contacts", merged); b != keep.BID {
			t.Fatalf("run %d: HubSpot %s linked with %q, want %s; %s", i, merged, b, keep.BID, line)
		}
		if hs.Count("contacts") != hsN || sf.Count("Contact") != sfN {
			t.Fatalf("run %d: HubSpot %d → %d, Salesforce %d → %d; %s", i, hsN, hs.Count("contacts"), sfN, sf.Count("Contact"), line)
		}
	}
	involved := map[string]bool{keep.AID: true, keep.BID: true, gone.AID: true, gone.BID: true, merged: true}
	open, _ := a.Reviews(ctx, "contacts", "", "open")
	for _, r := range open {
		if !involved[r.RecordID] && !involved[r.OtherID] {
			continue // the seed's own duplicates
		}
		t.Errorf("review item %d (%s) on %s %s open after merges on both sides: %s", r.ID, r.Kind, r.Side, r.RecordID, r.Detail)
	}
}
