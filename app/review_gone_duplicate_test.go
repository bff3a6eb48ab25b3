package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestDuplicateItemOfMergedRecordCloses: a HubSpot contact held in
// review as a likely duplicate of a Salesforce Contact is merged into
// another in HubSpot; its item asks about nothing now and closes, rather than
// staying open forever.
func TestDuplicateItemOfMergedRecordCloses(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	primary := ""
	for _, r := range srv.HubSpot().Records("contacts") {
		if r.ID != hsID && !r.Archived {
			primary = r.ID
			break
		}
	}
	if _, err := srv.HubSpot().Merge("contacts", primary, hsID); err != nil {
		t.Fatalf("merge HubSpot contact %s into %s: %v", hsID, primary, err)
	}
	clock.step(2 * time.Minute)
	runAndErrors(t, a, def.Name)
	open, err := a.Reviews(ctx, def.Name, "duplicate", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range open {
		if it.RecordID == hsID {
			t.Fatalf("the duplicate item of merged-away HubSpot contact %s is still open: %+v", hsID, it)
		}
	}
}
