package ui

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// addHeldDeletes puts n open delete items of sync syncID in review, as an
// undo of a run that created n copies on side b holds them.
func addHeldDeletes(t *testing.T, l *live, syncID int64, n int) {
	t.Helper()
	ctx := context.Background()
	run, err := l.a.DB().OpenRun(ctx, syncID, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]store.ReviewRow, n)
	for i := range items {
		items[i] = store.ReviewRow{SyncID: syncID, Kind: "delete", Status: "open", Side: "b", RecordID: fmt.Sprintf("0038d00000D%07d", i),
			OtherID: fmt.Sprint(5000 + i), Detail: `{"reason":"undo of run 1: the copy this run created"}`}
	}
	if err := l.a.DB().Commit(ctx, store.Commit{SyncID: syncID, RunID: run, Reviews: items}); err != nil {
		t.Fatal(err)
	}
	if err := l.a.DB().FinishRun(ctx, store.RunRow{ID: run, SyncID: syncID, Status: "success"}); err != nil {
		t.Fatal(err)
	}
}

// TestReviewApprovesManyDeletesAtOnce: an undo of a run that created
// 700 copies holds 700 deletes in Review. "Select all" then "Delete"
// approves them all in one go, after saying how many records it deletes;
// Review offered no bulk Delete, so each had to be approved on its own.
func TestReviewApprovesManyDeletesAtOnce(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	addHeldDeletes(t, l, row.ID, 700)
	l.navigate(ScreenReview)
	l.see("Review")
	l.tap("Select all")
	l.tap("Delete")
	l.see("Approve deleting 700 records?")
	_, nameB := sideNamesOf(t, l, "contacts")
	l.see("Approving deletes 700 records on " + nameB + ", on the next run of contacts.")
	l.tap("Delete 700")
	ctx := context.Background()
	open, err := l.a.Reviews(ctx, "", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	decided, err := l.a.Reviews(ctx, "", "delete", "decided")
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 0 || len(decided) != 700 {
		t.Fatalf("after approving all 700 deletes: %d open, %d decided", len(open), len(decided))
	}
}
