package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestHistoryNamesCRMsInOldTexts: a run stored before the engine
// named the CRMs says "side B" in its message, warnings and errors, and
// History showed them so beside facts naming "sf Contact". Each now
// names the CRM, as Review does with old reasons.
func TestHistoryNamesCRMsInOldTexts(t *testing.T) {
	l := newLiveContacts(t, 2)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(ctx, app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	nameA, nameB := sideNamesOf(t, l, "contacts")
	db := l.a.DB()
	row, err := db.Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	runID, err := db.OpenRun(ctx, row.ID, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Commit{SyncID: row.ID, RunID: runID, Errors: []store.RunErrorRow{{Side: "b", RecordID: "003AUDIT1", Category: "validation",
		Field: "Email", Code: "LINKED", Message: "003AUDIT1 is already linked with 101 on side A"}}}
	if err := db.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, store.RunRow{ID: runID, SyncID: row.ID, Status: "partial", Failed: 1,
		Message:  "engine: read side B (Contact): salesforce: query: session expired",
		Warnings: []string{"003AUDIT3 on side B is no longer deleted; it is synced again"}}); err != nil {
		t.Fatal(err)
	}

	l.navigate(ScreenHistory)
	l.ui(func() { l.u.openRunDetail(runID) })
	l.see("Warnings (1)")
	check := func(what, s, want string) {
		t.Helper()
		line := auditLineWith(l, s)
		if line == "" {
			t.Fatalf("%s: nothing on screen says %q", what, s)
		}
		if m := auditSideLetter.FindString(line); m != "" || !strings.Contains(line, want) {
			t.Errorf("%s says %q, not %q: %q", what, m, want, line)
		}
	}
	check("the run's message", "session expired", "read "+nameB)
	check("the Errors tab", "already linked with 101", "101 in "+nameA[:min(len(nameA), 8)])
	l.ui(func() {
		for _, tabs := range allOf[*container.AppTabs](l.u.Window()) {
			tabs.SelectIndex(len(tabs.Items) - 1) // Warnings
		}
	})
	check("the Warnings tab", "003AUDIT3", "003AUDIT3 in "+nameB)
}

// TestErrorDialogWritesVendorNames: a connector's error, "hubspot:
// lookup: …", reached the error dialog as "Hubspot: lookup: …", a name
// HubSpot never writes. Each vendor reads as it writes itself.
func TestErrorDialogWritesVendorNames(t *testing.T) {
	u := newTestUI(t, Deps{})
	for name, want := range map[string]string{"hubspot": "HubSpot", "zoho": "Zoho CRM", "dynamics": "Dynamics 365", "pipedrive": "Pipedrive"} {
		err := fmt.Errorf("%s: lookup: %w", name, errors.New("the property is not unique"))
		showError(u.Window(), err)
		if !screenContains(u.Window(), want+": lookup: the property is not unique.") {
			t.Errorf("the dialog for %q does not write %s; texts: %q", err, want, textsOnScreen(u.Window()))
		}
	}
}
