package ui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// openRunDetail shows one run: its errors with the vendor's own message,
// the field-level audit, and Retry failed / Undo / Export CSV.
func (u *UI) openRunDetail(id int64) {
	u.openPane(container.NewStack(loading("the run")))
	gen := u.screenGen // openPane bumps it; a later screen or pane changes it
	bg(u, func(ctx context.Context) (app.RunDetail, error) {
		u.readZone()
		return u.a.RunDetailPage(ctx, id, auditPageRecords)
	},
		func(d app.RunDetail, err error) {
			if u.screenGen != gen {
				return // the person went elsewhere while the run loaded
			}
			if err != nil {
				showError(u.win, err)
				u.refresh()
				return
			}
			u.openPane(u.runDetailView(d))
		})
}

func (u *UI) runDetailView(d app.RunDetail) fyne.CanvasObject {
	r := d.Run
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.refresh)
	retry := widget.NewButtonWithIcon("Retry failed", theme.ViewRefreshIcon(), func() {
		if r.UndoOf != 0 {
			// A sync run never writes an undo's old values back; undoing
			// the run again does, for the records still holding its values.
			u.openUndoPreview(r.UndoOf, d.Sync)
			return
		}
		u.runWithProgress("Retrying "+d.Sync, func(ctx context.Context, p func(engine.Progress)) (app.RunResult, error) {
			// Failed records are in the retry queue; a run picks them up first.
			return u.a.Run(ctx, d.Sync, app.RunOptions{Trigger: app.TriggerRetry, Confirm: confirmed(ctx), ConfirmReason: confirmedReason(ctx), Progress: p})
		}, func(res app.RunResult) {
			if res.Summary != nil {
				u.openRunDetail(res.Summary.RunID)
			}
		})
	})
	if r.Failed == 0 {
		retry.Disable()
	}
	undo := widget.NewButtonWithIcon("Undo this run", theme.ContentUndoIcon(), func() { u.openUndoPreview(r.ID, d.Sync) })
	if d.AuditTotal == 0 && !d.Unsettled {
		// A run cut short may have written what no field change lists yet.
		undo.Disable()
	}
	if d.UndoneBy != 0 {
		// A second undo would write nothing: say which run undid it.
		undo.SetText(fmt.Sprintf("Already undone by run %d", d.UndoneBy))
		undo.Disable()
	}
	export := widget.NewButtonWithIcon("Export CSV", theme.DocumentSaveIcon(), func() { u.exportCSV(d) })
	header := paneHeader(back, fmt.Sprintf("Run %d of %s", r.ID, d.Sync), retry, undo, export)

	status := widget.NewLabel(r.Status)
	status.Importance = resultImportance(r.Status)
	trigger := r.Trigger
	if r.UndoOf != 0 {
		trigger = fmt.Sprintf("undo of run %d", r.UndoOf)
	}
	// Cells that flow onto more rows as the window narrows.
	facts := container.NewGridWrap(fyne.NewSize(factWidth, theme.Size(theme.SizeNameText)+2*theme.InnerPadding()),
		widget.NewLabel("Started "+r.StartedAt.In(u.zone()).Format("2 Jan 2006 15:04:05")), container.NewHBox(widget.NewLabel("Result"), status),
		widget.NewLabel("Trigger: "+trigger), wrapped(fmt.Sprintf("API calls: %d to %s, %d to %s", r.APICallsA, d.Sides.Of("a"), r.APICallsB, d.Sides.Of("b"))),
		widget.NewLabel(fmt.Sprintf("Created %d", r.Created)), widget.NewLabel(fmt.Sprintf("Updated %d", r.Updated)),
		widget.NewLabel(fmt.Sprintf("Failed %d", r.Failed)), widget.NewLabel(fmt.Sprintf("Unchanged %d", r.Unchanged)),
		// The records that need a person, as "Run finished" and `runs show` say.
		widget.NewLabel(fmt.Sprintf("Sent to review %d", r.Review)))
	if r.Deleted > 0 {
		facts.Add(widget.NewLabel(fmt.Sprintf("Deleted %d", r.Deleted))) // deletes a person approved in Review
	}
	top := container.NewVBox(header, facts)
	if r.Message != "" {
		top.Add(wrapped(d.Sides.InText(r.Message))) // an older run's says "side B"
	}
	nWarn := len(r.Warnings) + r.WarningsOmitted
	if nWarn > 0 {
		l := wrapped(fmt.Sprintf("%s: see the Warnings tab.", warningsSaid(r, d.Before)))
		l.Importance = widget.WarningImportance
		top.Add(l)
	}

	errTable := u.runErrorsTab(d)
	errTab := errTable
	if len(d.Groups) > 0 {
		kinds := wrapped(failureLines(d.Groups, shownFailureKinds))
		errTab = container.NewBorder(container.NewVBox(widget.NewLabelWithStyle("What failed", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), kinds,
			widget.NewLabel("Select a row to read its whole message.")), nil, nil, nil, errTable)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(fmt.Sprintf("Errors (%d)", errorTotal(d)), errTab),
		container.NewTabItem(fmt.Sprintf("Field changes (%d)", d.AuditTotal), u.fieldChanges(d)),
	)
	if nWarn > 0 {
		tabs.Append(container.NewTabItem(fmt.Sprintf("Warnings (%d)", nWarn), warningsView(inTexts(d.Sides, r.Warnings), r.WarningsOmitted)))
	}
	switch {
	case len(d.Errors) == 0 && d.AuditTotal > 0:
		tabs.SelectIndex(1)
	case len(d.Errors) == 0 && nWarn > 0:
		tabs.SelectIndex(2)
	}
	return container.NewBorder(top, nil, nil, nil, tabs)
}

// factWidth fits the widest run fact, "Started 12 Dec 2026 23:59:59".
const factWidth = 230

// recordColumnWidth fits the Errors tab's Record column to the longest id
// listed: Salesforce's 18-character ids were cut to "0038d000000…", the
// same for every record of an org. A Dynamics GUID fits too; anything
// longer is whole in the row's dialog.
func recordColumnWidth(errs []store.RunErrorRow) float32 {
	longest := ""
	for _, e := range errs {
		if len(e.RecordID) > len(longest) {
			longest = e.RecordID
		}
	}
	return recordWidth(longest)
}

// recordWidth is a Record column's width for its longest id.
func recordWidth(longest string) float32 {
	const least, most = 120, 340
	w := fyne.MeasureText(longest, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
	return min(max(w+1, least), most) // +1: a fractional width rounds short
}

// warningsSaid counts r's warnings as History does (freshWarnings), saying
// which repeat from the run before, so the detail does not present as new
// what the table counts as 0.
func warningsSaid(r, before store.RunRow) string {
	n := runWarnings(r)
	fresh := min(n, freshWarnings(r, before))
	switch {
	case fresh == n:
		return nWarnings(n)
	case fresh > 0:
		return fmt.Sprintf("%s, %d new and %d as in the run before", nWarnings(n), fresh, n-fresh)
	case n == 1:
		return "1 warning, as in the run before"
	case n == 2:
		return "2 warnings, both as in the run before"
	}
	return nWarnings(n) + ", all as in the run before"
}

// nWarnings is "1 warning" or "N warnings".
func nWarnings(n int) string {
	if n == 1 {
		return "1 warning"
	}
	return fmt.Sprintf("%d warnings", n)
}

// shownFailureKinds is how many kinds of failure a run's outcome lists.
const shownFailureKinds = 5

// failureLines lists up to max kinds of failure, one line each, each
// message cut to a readable length; the whole messages are in the run's
// Errors tab.
func failureLines(groups []app.ErrorGroup, max int) string {
	var lines []string
	for i, g := range groups {
		if i == max {
			lines = append(lines, fmt.Sprintf("… and %d more kinds of failure.", len(groups)-max))
			break
		}
		g.Message = shorten(g.Message, 240)
		lines = append(lines, "• "+g.Line())
	}
	return strings.Join(lines, "\n")
}

// inTexts names the sides in each of texts (SideNames.InText): warnings
// an older run stored say "side B".
func inTexts(names app.SideNames, texts []string) []string {
	out := make([]string, len(texts))
	for i, s := range texts {
		out[i] = names.InText(s)
	}
	return out
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// showRunError shows one failed record's error whole.
func (u *UI) showRunError(d app.RunDetail, e store.RunErrorRow) {
	where := d.Sides.Of(e.Side)
	for _, g := range d.Groups {
		if g.Side == e.Side && g.Where != "" {
			where = g.Where
			break
		}
	}
	text := fmt.Sprintf("Record %s in %s\nCategory: %s\nField: %s\nCode: %s\nAt: %s\n\n%s",
		e.RecordID, where, e.Category, blankAs(e.Field), blankAs(e.Code), e.At.In(u.zone()).Format("2 Jan 2006 15:04:05"), d.Sides.InText(e.Message))
	body := wrapped(text)
	body.Selectable = true
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(520, 220))
	dialog.NewCustom("Failed record", "Close", scroll, u.win).Show()
}

// newTextTable is a read-only table with a bold header row over *rows,
// which may grow (Refresh it then).
func newTextTable(headers []string, widths []float32, rows *[][]string) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return len(*rows) + 1, len(headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.SetText(headers[id.Col])
				return
			}
			l.TextStyle = fyne.TextStyle{}
			l.SetText((*rows)[id.Row-1][id.Col])
		})
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

// exportCSV asks where to save and writes the run's audit and errors.
// The CSV is written in the background: a run of 100k records has
// hundreds of thousands of audit rows, seconds of work the window must
// not wait for.
func (u *UI) exportCSV(d app.RunDetail) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(u.win, err)
			return
		}
		if w == nil {
			return // cancelled
		}
		u.saveCSV(w, d)
	}, u.win)
	save.SetFileName(csvName(d))
	save.Show()
}

// saveCSV writes run d's CSV to w in the background and says where.
func (u *UI) saveCSV(w fyne.URIWriteCloser, d app.RunDetail) {
	u.bgErr(func(ctx context.Context) error {
		// The file holds customers' data: private like the data file,
		// also when it replaces a world-readable one (the save dialog
		// creates it 0666 less the umask and keeps an old file's mode).
		if w.URI().Scheme() == "file" {
			if err := os.Chmod(w.URI().Path(), 0o600); err != nil {
				w.Close()
				return err
			}
		}
		if len(d.Errors) < d.ErrorTotal {
			all, err := u.a.ErrorsPage(ctx, d.Run.ID, 0, -1)
			if err != nil {
				w.Close()
				return err
			}
			d.Errors = all
		}
		if len(d.Audit) < d.AuditTotal {
			// The detail on show holds a page of the audit; the file has it all.
			all, err := u.a.AuditPage(ctx, d.Run.ID, 0, -1)
			if err != nil {
				w.Close()
				return err
			}
			d.Audit = all
		}
		bw := bufio.NewWriter(w)
		err := writeRunCSV(bw, d)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}, func(err error) {
		if err != nil {
			showError(u.win, fmt.Errorf("export CSV: %w", err))
			return
		}
		showNote(u.win, "Exported", "Saved "+w.URI().Name()+".")
	})
}
