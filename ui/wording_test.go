package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// TestFieldChangesSideCapitalised: every screen names the sides by
// connection and object (create in hubspot-sandbox contacts, …); the Field
// changes tab of a run said "a" and "b", then "A" and "B".
func TestFieldChangesSideCapitalised(t *testing.T) {
	l := newLive(t)
	l.applyDemoSyncs()
	runs, err := l.a.Runs(context.Background(), demoSyncName, 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run: %v", err)
	}
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Field changes")
	nameA, nameB := sideNamesOf(t, l, demoSyncName)
	l.ui(func() {
		_, table := fieldChangesTable(l.u.Window())
		if table == nil {
			t.Fatal("no Field changes table")
		}
		cell := widget.NewLabel("")
		table.UpdateCell(widget.TableCellID{Row: 1, Col: 0}, cell)
		if cell.Text != nameA && cell.Text != nameB {
			t.Errorf("the first field change's side reads %q, want %q or %q", cell.Text, nameA, nameB)
		}
	})
}

// TestReviewCandidatesNameTheSide: an ambiguous item's candidates
// read "salesforce-sandbox Contact 0038…", as its heading does
// ("hubspot-sandbox contacts record …"), not "b 0038…".
func TestReviewCandidatesNameTheSide(t *testing.T) {
	l := reviewQueueFor(t)
	items, err := l.a.Reviews(context.Background(), "", "ambiguous", "open")
	if err != nil || len(items) == 0 {
		t.Fatalf("no ambiguous item: %v", err)
	}
	l.ui(func() { l.u.Navigate(ScreenReview) })
	l.see("Candidates")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, s := range texts {
		if strings.HasPrefix(s, "a 0") || strings.HasPrefix(s, "b 0") {
			t.Errorf("a candidate reads %q; the sides are A and B elsewhere", s)
		}
	}
}
