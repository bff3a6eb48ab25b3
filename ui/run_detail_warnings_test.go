package ui

import (
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestRunDetailSaysWarningsRepeat: History counts a run's warnings
// that the run before had as 0 new; the run's detail must not present
// them as news either, but say they repeat.
func TestRunDetailSaysWarningsRepeat(t *testing.T) {
	l := newLive(t)
	runs := twoDemoRunsSameWarnings(t, l)
	if runs[0].Run.WarningsOmitted != 0 {
		t.Fatalf("the newer run omits %d warning(s); want none", runs[0].Run.WarningsOmitted)
	}
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	want := nWarnings(len(runs[0].Run.Warnings)) + ", as in the run before"
	if n := len(runs[0].Run.Warnings); n == 2 {
		want = "2 warnings, both as in the run before"
	} else if n > 2 {
		want = nWarnings(n) + ", all as in the run before"
	}
	l.see(want)
	// The first run's are all new: no "as in the run before".
	l.ui(func() { l.u.openRunDetail(runs[1].Run.ID) })
	l.see(nWarnings(len(runs[1].Run.Warnings)) + ": see the Warnings tab.")
}

// TestRunDetailMixedWarnings: a run listing the run before's
// warnings plus two more not listed has 2 new ones, not 3: the grown
// omitted count must not be counted both as a line and as its number.
func TestRunDetailMixedWarnings(t *testing.T) {
	u := newTestUI(t, Deps{})
	at := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	before := store.RunRow{ID: 6, Status: "success", StartedAt: at, Warnings: []string{"owner note"}}
	r := store.RunRow{ID: 7, Status: "success", StartedAt: at, Warnings: []string{"owner note"}, WarningsOmitted: 2}
	if got := freshWarningCounts([]app.RunDetail{{Run: r, Sync: "s"}, {Run: before, Sync: "s"}})[0]; got != 2 {
		t.Errorf("History counts %d new warnings; want 2", got)
	}
	u.openPane(u.runDetailView(app.RunDetail{Run: r, Sync: "s", Before: before}))
	if want := "3 warnings, 2 new and 1 as in the run before"; !screenContains(u.Window(), want) {
		t.Errorf("the detail lacks %q; texts: %q", want, textsOnScreen(u.Window()))
	}
}
