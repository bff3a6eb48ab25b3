package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// historyColumns fit the pane of a 1100-pixel window (909 px; these take
// 909), so no column of a run hides behind the horizontal scroll bar; each
// holds its bold title, and Time a two-digit day's whole time; Sync gets
// the rest, and a name too long keeps its end (syncCell). Deleted is
// shown: a run that only deleted would otherwise read as writing nothing;
// Warnings, as one that warned would read as clean.
var historyColumns = []struct {
	title string
	width float32
}{{"Time", 122}, {"Sync", 121}, {"Trigger", 75}, {"Result", 78}, {"Created", 71}, {"Updated", 76}, {"Deleted", 71}, {"Failed", 58}, {"Warnings", 83}, {"API calls", 75}, {"Duration", 79}}

// historyRunsPerSync is how many of each sync's latest runs History
// lists; historyHint says so when a sync has more.
const historyRunsPerSync = 200

func (u *UI) historyScreen() fyne.CanvasObject {
	empty := emptyState(theme.HistoryIcon(), "No runs yet",
		"Every run appears here with its counts, API calls and errors. Any run can be undone.")
	if u.a == nil {
		return empty
	}
	holder := container.NewStack(loading("run history"))
	bg(u, func(ctx context.Context) ([]app.RunDetail, error) {
		u.readZone()
		return u.a.Runs(ctx, "", historyRunsPerSync)
	},
		func(runs []app.RunDetail, err error) {
			switch {
			case err != nil:
				holder.Objects = []fyne.CanvasObject{emptyState(theme.ErrorIcon(), "History could not be loaded", errorSentence(err)+" "+nextStep(err))}
			case len(runs) == 0:
				holder.Objects = []fyne.CanvasObject{empty}
			default:
				sort.Slice(runs, func(i, j int) bool { return runs[i].Run.StartedAt.After(runs[j].Run.StartedAt) })
				holder.Objects = []fyne.CanvasObject{u.historyView(runs)}
			}
			holder.Refresh()
		})
	return holder
}

func (u *UI) historyView(runs []app.RunDetail) fyne.CanvasObject {
	h := &historyList{runs: runs, fresh: freshWarningCounts(runs), gen: u.screenGen}
	loc := u.zone()
	names := map[string]string{} // sync name -> its cell's text
	table := widget.NewTable(
		func() (int, int) { return len(h.runs) + 1, len(historyColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.Importance = widget.MediumImportance
				l.SetText(historyColumns[id.Col].title)
				return
			}
			l.TextStyle = fyne.TextStyle{}
			if id.Row > len(h.runs) {
				l.SetText("")
				return
			}
			r := h.runs[id.Row-1]
			l.Importance = widget.MediumImportance
			switch {
			case id.Col == 3:
				l.Importance = resultImportance(r.Run.Status)
			case id.Col == 8 && h.fresh[id.Row-1] > 0:
				l.Importance = widget.WarningImportance // else 40 warnings read as a clean run
			}
			switch id.Col {
			case 1:
				if _, ok := names[r.Sync]; !ok {
					names[r.Sync] = syncCell(r.Sync, historyColumns[1].width-2*theme.InnerPadding())
				}
				l.SetText(names[r.Sync])
				return
			case 8:
				l.SetText(fmt.Sprint(h.fresh[id.Row-1]))
				return
			}
			l.SetText(runCell(r, id.Col, loc))
		})
	for i, c := range historyColumns {
		table.SetColumnWidth(i, c.width)
	}
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row > 0 && id.Row <= len(h.runs) {
			u.openRunDetail(h.runs[id.Row-1].Run.ID)
		}
	}
	h.table = table
	h.hint = wrapped(historyHint(runs))
	h.hint.Importance = widget.LowImportance
	h.chart = container.New(fixedHeight(150), historyChart(runs, u.now()))
	u.history = h
	top := container.NewVBox(title("History"), h.chart, h.hint)
	return container.NewBorder(top, nil, nil, nil, table)
}

// historyHint says what a row offers and, when a sync's older runs are
// not listed, where to find them: an old run can still be undone.
func historyHint(runs []app.RunDetail) string {
	hint := "Select a run to see its errors and field changes, retry, undo or export it."
	per := map[string]int{}
	var full []string
	for _, r := range runs {
		if per[r.Sync]++; per[r.Sync] == historyRunsPerSync {
			full = append(full, r.Sync)
		}
	}
	if len(full) == 0 {
		return hint
	}
	sort.Strings(full)
	return hint + fmt.Sprintf(" Only the latest %d runs of %s are listed; older ones: crmsync runs --sync NAME --limit N, and crmsync runs undo ID.",
		historyRunsPerSync, strings.Join(full, ", "))
}

func resultImportance(status string) widget.Importance {
	switch status {
	case "success":
		return widget.SuccessImportance
	case "partial", "needs_confirmation", "cancelled":
		return widget.WarningImportance
	case "failed":
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// syncCell is name cut to width from its start, not its end: ready-made
// names differ at their end ("demo-hubspot-zoho-notes"), so an end cut
// ("demo-hubsp…") would read the same for most of them. The run's
// detail names it in full.
func syncCell(name string, width float32) string {
	fits := func(s string) bool {
		return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width <= width
	}
	if fits(name) {
		return name
	}
	r := []rune(name)
	for i := 1; i < len(r); i++ {
		if s := "…" + string(r[i:]); fits(s) {
			return s
		}
	}
	return "…"
}

// freshWarningCounts counts, for each of runs (newest first), the warnings
// its sync's run before did not have (newWarnings, as notifications do): a
// mapping's owner notes repeat on every run, and a column that never reads
// 0 is one users stop reading. The run detail still lists them all.
func freshWarningCounts(runs []app.RunDetail) []int {
	out := make([]int, len(runs))
	for i, r := range runs {
		var prev store.RunRow
		for _, p := range runs[i+1:] {
			if p.Sync == r.Sync && p.Run.Status != "dry_run" && p.Run.UndoOf == 0 {
				prev = p.Run
				break
			}
		}
		out[i] = freshWarnings(r.Run, prev)
	}
	return out
}

// freshWarnings is how many of r's warnings prev did not have, a grown
// count of omitted ones included.
func freshWarnings(r, prev store.RunRow) int {
	n := len(newWarnings([]store.RunRow{{Warnings: r.Warnings}, {Warnings: prev.Warnings}}))
	return n + max(0, r.WarningsOmitted-prev.WarningsOmitted)
}

// runWarnings counts a run's warnings, the kept and the omitted.
func runWarnings(r store.RunRow) int { return len(r.Warnings) + r.WarningsOmitted }

func runCell(r app.RunDetail, col int, loc *time.Location) string {
	run := r.Run
	switch col {
	case 0:
		return run.StartedAt.In(loc).Format("2 Jan 15:04:05")
	case 1:
		return r.Sync
	case 2:
		if run.UndoOf != 0 {
			return fmt.Sprintf("undo of %d", run.UndoOf)
		}
		return run.Trigger
	case 3:
		if run.Status == "needs_confirmation" {
			return "held" // for confirmation; the raw status is cut off in its column
		}
		return run.Status
	case 4:
		return fmt.Sprint(run.Created)
	case 5:
		return fmt.Sprint(run.Updated)
	case 6:
		return fmt.Sprint(run.Deleted)
	case 7:
		return fmt.Sprint(run.Failed)
	case 8:
		return fmt.Sprint(runWarnings(run))
	case 9:
		return fmt.Sprint(run.APICallsA + run.APICallsB)
	case 10:
		if run.FinishedAt.IsZero() {
			return "running"
		}
		return run.FinishedAt.Sub(run.StartedAt).Round(100 * time.Millisecond).String()
	}
	return ""
}
