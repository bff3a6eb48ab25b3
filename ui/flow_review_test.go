package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

func TestReviewResolveCreatesRecord(t *testing.T) {
	l, def := liveWithReviewItems(t)
	ctx := context.Background()
	open, err := l.a.Reviews(ctx, def.Name, "unmatched", "open")
	if err != nil || len(open) == 0 {
		t.Fatalf("no unmatched review items: %v", err)
	}
	l.navigate(ScreenReview)
	l.see("Review")
	l.see("unmatched")
	l.see("Create (C)")
	selected, ok := reviewSelected(l)
	if !ok {
		t.Fatal("no review item in the detail pane")
	}
	// Keyboard shortcut: C creates the record in the other CRM.
	l.ui(func() { l.u.keys('c') })
	l.see("applied on the next run")
	items, _ := l.a.Reviews(ctx, def.Name, "", "decided")
	if len(items) != 1 || items[0].ID != selected {
		t.Fatalf("decided items = %+v, want item %d", items, selected)
	}
	hs, sf := l.srv.HubSpot().Count("contacts"), l.srv.Salesforce().Count("Contact")
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if got := l.srv.HubSpot().Count("contacts") + l.srv.Salesforce().Count("Contact"); got != hs+sf+1 {
		t.Fatalf("after the decision, the CRMs hold %d records, want %d", got, hs+sf+1)
	}
}

// reviewSelected returns the review item on show in the detail pane.
func reviewSelected(l *live) (int64, bool) {
	items, _ := l.a.Reviews(context.Background(), "", "", "open")
	var id int64
	var found bool
	l.ui(func() {
		for _, it := range items {
			if !found && screenContains(l.u.Window(), "record "+it.RecordID) {
				id, found = it.ID, true
			}
		}
	})
	return id, found
}
