package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/schedule"
)

// runsTableOnScreen is the first table on the window's content.
func runsTableOnScreen(w fyne.Window) *widget.Table {
	var table *widget.Table
	visibleObjects(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if tb, ok := o.(*widget.Table); ok && table == nil {
			table = tb
		}
	})
	return table
}

// TestHistoryKeepsItsPlaceWhenABackgroundRunEnds: a person reading
// old runs in History, scrolled down, keeps the rows they read when a
// scheduled run of a sync ends; the new run is listed all the same. The
// screen used to be rebuilt (and every sync's 200 runs re-read) on each
// event, which threw the table back to its top.
func TestHistoryKeepsItsPlaceWhenABackgroundRunEnds(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	const oldest = 1000
	for i := range 40 {
		addFinishedRun(t, l, store.RunRow{SyncID: row.ID, Status: "success", Created: oldest + i})
	}
	l.ui(func() { l.u.Window().Resize(defaultSize) })
	l.navigate(ScreenHistory)
	var before *widget.Table
	l.ui(func() {
		before = runsTableOnScreen(l.u.Window())
		before.ScrollToBottom()
	})
	l.see(fmt.Sprint(oldest))

	addFinishedRun(t, l, store.RunRow{SyncID: row.ID, Status: "success", Created: 7777})
	l.u.onScheduleEvent(schedule.Event{Sync: "contacts", Kind: schedule.EventFinished}) // as the scheduler's goroutine does
	l.wait()

	l.see(fmt.Sprint(oldest + 5)) // still where the person was reading (a row lower: one run came in above)
	var rows int
	l.ui(func() {
		tb := runsTableOnScreen(l.u.Window())
		if tb != before {
			t.Error("History's table was rebuilt when a background run ended")
		}
		rows, _ = tb.Length()
		tb.ScrollToTop()
	})
	if rows != 42 { // the header, 40 runs and the new one
		t.Fatalf("the runs table has %d rows after the run ended, want 42", rows)
	}
	l.see("7777")
}

// labelShowing is the label on screen whose text is text, or nil.
func labelShowing(w fyne.Window, text string) *widget.Label {
	var found *widget.Label
	visibleObjects(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text && found == nil {
			found = l
		}
	})
	return found
}

// TestRunDetailShowsWholeSalesforceIDs: a run's Errors tab shows a
// Salesforce 18-character id whole in its Record column; the column was
// 120 px and cut it to "0038d000000…", which reads the same for every
// record of an org.
func TestRunDetailShowsWholeSalesforceIDs(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	const id = "0038d00000ABCDEFGH"
	errs := []store.RunErrorRow{{Side: "b", RecordID: id, Category: "validation", Field: "Email", Code: "INVALID_EMAIL_ADDRESS", Message: "Email: invalid email address: ann@"}}
	u.openPane(u.runDetailView(app.RunDetail{Run: store.RunRow{ID: 7, Status: "partial", Failed: 1}, Sync: "contacts", Errors: errs}))
	l := labelShowing(u.Window(), id)
	if l == nil {
		t.Fatalf("no cell holds %s; texts: %q", id, textsOnScreen(u.Window()))
	}
	need := fyne.MeasureText(id, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
	if w := l.Size().Width; w < need {
		t.Fatalf("the Record cell is %.0f px wide and %s needs %.0f: it is cut short", w, id, need)
	}
}

// addRunWithErrors stores a finished run of sync syncID in which n
// records failed, each its own error row, as the engine commits them.
func addRunWithErrors(t *testing.T, l *live, syncID int64, n int) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := l.a.DB().OpenRun(ctx, syncID, "schedule", 0)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]store.RunErrorRow, n)
	for i := range errs {
		errs[i] = store.RunErrorRow{Side: "b", RecordID: fmt.Sprintf("0038d00000E%07d", i), Category: "validation", Field: "Email",
			Code: "INVALID_EMAIL_ADDRESS", Message: "Email: invalid email address"}
	}
	if err := l.a.DB().Commit(ctx, store.Commit{SyncID: syncID, RunID: id, Errors: errs}); err != nil {
		t.Fatal(err)
	}
	if err := l.a.DB().FinishRun(ctx, store.RunRow{ID: id, SyncID: syncID, Status: "partial", Failed: n}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRunDetailPagesItsErrors: a run with 2,000 failed records
// shows the first page of its errors and says how many there are, as the
// Field changes tab does; "Show more" loads the next page. The detail
// used to load and hold every error at once.
func TestRunDetailPagesItsErrors(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	id := addRunWithErrors(t, l, row.ID, 2000)
	l.ui(func() { l.u.Window().Resize(defaultSize) })
	l.ui(func() { l.u.openRunDetail(id) })
	l.see("Errors (2000)")
	l.see("Showing 500 of 2000 errors; Export CSV writes them all.")
	var rows int
	l.ui(func() { rows, _ = runsTableOnScreen(l.u.Window()).Length() })
	if rows != 501 {
		t.Fatalf("the Errors table holds %d rows, want the header and a page of 500", rows)
	}
	l.tap("Show more")
	l.see("Showing 1000 of 2000 errors; Export CSV writes them all.")
	l.see("2000 × ") // the kinds of failure still count them all
}

// TestRunExportWritesEveryError: Export CSV from a run detail
// holding a page of 2,000 errors writes all 2,000, as it says.
func TestRunExportWritesEveryError(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	id := addRunWithErrors(t, l, row.ID, 2000)
	paged, err := l.a.RunDetailPage(context.Background(), id, auditPageRecords)
	if err != nil || paged.ErrorTotal != 2000 || len(paged.Errors) != auditPageRecords {
		t.Fatalf("RunDetailPage: %v, %d of %d errors (want a page of %d)", err, len(paged.Errors), paged.ErrorTotal, auditPageRecords)
	}
	lines := exportedCSV(t, l, paged)
	if len(lines) != 1+2000 {
		t.Fatalf("the CSV has %d rows, want a header and 2000 errors", len(lines))
	}
}
