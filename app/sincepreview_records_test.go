package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestSincePreviewNamesLinksAndHolds: the preview shows HubSpot's
// Late Twin copied to Salesforce as a new Contact. Before Apply, someone
// enters her in Salesforce by hand and deletes another linked Contact
// (deletes propagate, so it is held for review). Apply links the twins
// instead of creating and holds the delete: what the person approved did
// neither, so "Run finished" must say both, naming the records, not only
// list fields.
func TestSincePreviewNamesLinksAndHolds(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 615, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	twin, err := hs.Create("contacts", map[string]string{"email": "late.twin@example.com", "firstname": "Late", "lastname": "Twin"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil || p.Plan.Counts.CreateB != 1 {
		t.Fatalf("preview: %v\n%s", err, p.Plan.Summary())
	}
	time.Sleep(5 * time.Millisecond)
	made, err := sf.Create("Contact", map[string]string{"LastName": "Twin", "FirstName": "Late", "Email": "late.twin@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !sf.Delete("Contact", links[0].BID) {
		t.Fatalf("delete Salesforce %s", links[0].BID)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, ConfirmReason: p.Plan.Reason, Previewed: p.Plan})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if !isLinked(t, a, "contacts", twin.ID, made.ID) || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("apply: twins linked %v, held deletes %d\n%s", isLinked(t, a, "contacts", twin.ID, made.ID), res.Plan.Counts.HeldDelete, res.Plan.Summary())
	}
	all := strings.Join(res.SincePreview, "\n")
	t.Logf("since the preview:\n%s", all)
	linked := func(l string) bool {
		return strings.Contains(l, twin.ID) && strings.Contains(l, made.ID) && strings.Contains(l, "linked")
	}
	held := func(l string) bool {
		return strings.Contains(l, links[0].BID) && strings.Contains(l, "review") && strings.Contains(l, "delet")
	}
	for what, ok := range map[string]func(string) bool{"the twins linked instead of a create": linked, "the delete held for review": held} {
		found := false
		for _, l := range res.SincePreview {
			found = found || ok(l)
		}
		if !found {
			t.Errorf("what changed since the preview does not say %s:\n%s", what, all)
		}
	}
}
