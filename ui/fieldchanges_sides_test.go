package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestFieldChangesShowWholeSalesforceIDs: the Field changes tab's
// Record column was 140 px and cut every Salesforce id to
// "0038d000000000…", the same for each record of an org, so the person
// could not tell which contact a change was on (the Errors tab was fixed
// for this; its neighbour was not).
func TestFieldChangesShowWholeSalesforceIDs(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	const id = "0038d00000ABCDEFGH"
	audit := []store.AuditRow{{ID: 1, Side: "b", RecordID: id, Field: "Title", Old: "CEO", New: "Marketing Manager"}}
	u.openPane(u.runDetailView(app.RunDetail{Run: store.RunRow{ID: 7, Status: "success", Updated: 1}, Sync: "contacts", Audit: audit, AuditTotal: 1}))
	l := labelShowing(u.Window(), id)
	if l == nil {
		t.Fatalf("no cell holds %s; texts: %q", id, textsOnScreen(u.Window()))
	}
	need := fyne.MeasureText(id, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
	if w := l.Size().Width; w < need {
		t.Fatalf("the Record cell is %.0f px wide and %s needs %.0f: it is cut short", w, id, need)
	}
}
