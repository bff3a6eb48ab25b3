package ui

import (
	"context"
	"strings"
	"testing"
)

// TestReviewRowsShowRecord: on a small laptop's window the Review
// list must still show which record each item is. The rows began with
// the kind and the sync, the same for many items, so the record id was
// cut off and every row read "ambiguous · demo-contac…".
func TestReviewRowsShowRecord(t *testing.T) {
	l := newLiveWith(t, 30, smallLaptop, nil)
	l.connectSandbox()
	l.closeDialogs()
	l.runReviewMe()
	l.navigate(ScreenReview)
	l.see("items shown")
	items, err := l.a.Reviews(context.Background(), "", "", "open")
	if err != nil || len(items) == 0 {
		t.Fatalf("no review items: %v", err)
	}
	var shown string
	l.ui(func() { shown = strings.Join(textsOnScreen(l.u.Window()), "\n") })
	// The list shows the first rows; each of those must name its record.
	for _, it := range items[:3] {
		if !strings.Contains(shown, it.RecordID) {
			t.Errorf("the row of item %d (%s %s) does not show record %s; texts:\n%s", it.ID, it.Kind, it.Sync, it.RecordID, shown)
		}
	}
}
