package ui

import (
	"context"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// historyList is the History screen's runs and the widgets showing them,
// kept so a background run's end updates them in place: rebuilding the
// screen re-read every sync's runs on each event and threw the table
// back to its top while someone read older runs.
type historyList struct {
	runs  []app.RunDetail // newest first
	fresh []int           // freshWarningCounts(runs)
	gen   int             // the screenGen it was built in
	table *widget.Table
	hint  *widget.Label
	chart *fyne.Container
}

// refreshHistorySync re-reads the latest runs of sync alone and puts them
// in the History screen on show, keeping its scroll; without a list on
// show (History was empty or still loading) it rebuilds the screen.
func (u *UI) refreshHistorySync(sync string) {
	h := u.history
	if h == nil || h.gen != u.screenGen || u.a == nil {
		u.refresh()
		return
	}
	bg(u, func(ctx context.Context) ([]app.RunDetail, error) {
		return u.a.Runs(ctx, sync, historyRunsPerSync)
	}, func(runs []app.RunDetail, err error) {
		if h.gen != u.screenGen || u.history != h {
			return // the person went elsewhere meanwhile
		}
		if err != nil {
			u.refresh() // says why History could not be loaded
			return
		}
		h.replaceSync(sync, runs)
		h.hint.SetText(historyHint(h.runs))
		h.chart.Objects = []fyne.CanvasObject{historyChart(h.runs, u.now())}
		h.chart.Refresh()
		h.table.Refresh()
	})
}

// replaceSync swaps sync's runs for runs, newest first as History lists.
func (h *historyList) replaceSync(sync string, runs []app.RunDetail) {
	kept := make([]app.RunDetail, 0, len(h.runs)+1)
	for _, r := range h.runs {
		if r.Sync != sync {
			kept = append(kept, r)
		}
	}
	kept = append(kept, runs...)
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].Run.StartedAt.After(kept[j].Run.StartedAt) })
	h.runs = kept
	h.fresh = freshWarningCounts(kept)
}
