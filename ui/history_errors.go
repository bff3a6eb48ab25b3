package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// errorTotal is how many records failed in d's run, d holding a page of
// them or all.
func errorTotal(d app.RunDetail) int { return max(d.ErrorTotal, len(d.Errors)) }

// errorList is a run's Errors tab, paged like its field changes: a run
// can fail for each of 10k records, too many to read and hold at once.
// UI goroutine only.
type errorList struct {
	u     *UI
	d     app.RunDetail
	errs  []store.RunErrorRow // the pages loaded
	rows  [][]string
	total int

	table *widget.Table
	shown *widget.Label
	more  *widget.Button
}

// runErrorsTab is the Errors table of the page d holds, with "Show more"
// while the run has more; selecting a row shows its whole error.
func (u *UI) runErrorsTab(d app.RunDetail) fyne.CanvasObject {
	v := &errorList{u: u, d: d, total: errorTotal(d)}
	if v.total == 0 {
		return container.NewCenter(widget.NewLabel("No record failed in this run."))
	}
	v.table = newTextTable([]string{"Side", "Record", "Category", "Field", "Code", "Vendor's message"},
		[]float32{sideColumnWidth(d.Sides), recordColumnWidth(d.Errors), 100, 110, 140, 420}, &v.rows)
	v.table.OnSelected = func(id widget.TableCellID) {
		// A message longer than its cell is cut short there; selecting
		// the row shows the whole error.
		v.table.UnselectAll()
		if id.Row >= 1 && id.Row <= len(v.errs) {
			u.showRunError(d, v.errs[id.Row-1])
		}
	}
	v.add(d.Errors)
	if len(v.errs) >= v.total {
		return v.table
	}
	v.shown = widget.NewLabel("")
	v.more = widget.NewButton("Show more", v.showMore)
	v.update()
	return container.NewBorder(nil, container.NewHBox(v.shown, v.more), nil, nil, v.table)
}

// add appends a page of errors to the table, widening the Record column
// for a longer id.
func (v *errorList) add(page []store.RunErrorRow) {
	v.errs = append(v.errs, page...)
	for _, e := range page {
		v.rows = append(v.rows, []string{v.d.Sides.Of(e.Side), e.RecordID, e.Category, e.Field, e.Code, v.d.Sides.InText(e.Message)})
	}
	v.table.SetColumnWidth(1, recordColumnWidth(v.errs))
	v.table.Refresh()
}

// update says how many errors the table holds and offers the next page
// while the run has more.
func (v *errorList) update() {
	v.shown.SetText(fmt.Sprintf("Showing %d of %d errors; Export CSV writes them all.", len(v.errs), v.total))
	if len(v.errs) >= v.total {
		v.more.Hide()
	}
}

// showMore reads the next page of errors in the background.
func (v *errorList) showMore() {
	v.more.Disable()
	after := v.errs[len(v.errs)-1].ID
	bg(v.u, func(ctx context.Context) ([]store.RunErrorRow, error) {
		return v.u.a.ErrorsPage(ctx, v.d.Run.ID, after, auditPageRecords)
	}, func(page []store.RunErrorRow, err error) {
		v.more.Enable()
		if err != nil {
			showError(v.u.win, err)
			return
		}
		if len(page) == 0 {
			v.total = len(v.errs) // the run's errors were fewer than counted
		}
		v.add(page)
		v.update()
	})
}
