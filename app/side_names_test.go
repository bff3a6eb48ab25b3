package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestSincePreviewNamesConnections: what changed since the preview
// names each record's CRM by its connection and object, as "Run finished"
// does around it, not "side A 1001": a person has no A or B in mind.
func TestSincePreviewNamesConnections(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 616, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	v, err := a.Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	nameA := v.Definition.A.Connection + " " + v.Definition.A.Object
	nameB := v.Definition.B.Connection + " " + v.Definition.B.Object
	if _, err := hs.Create("contacts", map[string]string{"email": "late.twin@example.com", "firstname": "Late", "lastname": "Twin"}); err != nil {
		t.Fatal(err)
	}
	p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Create("Contact", map[string]string{"LastName": "Twin", "FirstName": "Late", "Email": "late.twin@example.com"}); err != nil {
		t.Fatal(err)
	}
	if !sf.Delete("Contact", links[0].BID) {
		t.Fatalf("delete Salesforce %s", links[0].BID)
	}
	if _, err := hs.Update("contacts", links[1].AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, ConfirmReason: p.Plan.Reason, Previewed: p.Plan})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	all := strings.Join(res.SincePreview, "\n")
	if len(res.SincePreview) < 3 {
		t.Fatalf("want lines for the link, the held delete and the field:\n%s", all)
	}
	for _, l := range res.SincePreview {
		// A review item's reason is the engine's, stored with the item.
		l, _, _ = strings.Cut(l, "sent to review (")
		if strings.Contains(l, "side A") || strings.Contains(l, "side B") {
			t.Errorf("line names a side, not its CRM: %q", l)
		}
		if !strings.Contains(l, nameA) && !strings.Contains(l, nameB) {
			t.Errorf("line names neither %q nor %q: %q", nameA, nameB, l)
		}
	}
}

// TestFailureLineWithoutNamesSaysSideA: a failure group nothing names
// (a run from before the sync's sides changed) reads "side A", as the
// other texts' fallback does, not the stored letter "side a".
func TestFailureLineWithoutNamesSaysSideA(t *testing.T) {
	g := app.GroupErrors([]store.RunErrorRow{{Side: "a", RecordID: "1001", Category: "validation", Message: "bad"}}, nil)
	if len(g) != 1 || !strings.Contains(g[0].Line(), "side A") {
		t.Errorf("the group's line: %+v", g)
	}
}
