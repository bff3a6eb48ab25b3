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

// auditPageRecords is how many records' field changes a run's detail
// loads at a time: a first sync of 100k records writes ~850k fields, and
// holding and laying them all out took seconds and over 100 MB.
const auditPageRecords = 500

// auditCells appends the table rows of audit to rows.
func auditCells(rows [][]string, audit []store.AuditRow) [][]string {
	for _, a := range audit {
		rows = append(rows, []string{a.Side, a.RecordID, a.Field, blankAs(a.Old), blankAs(a.New), a.Rule})
	}
	return rows
}

// fieldChanges is run d's Field changes tab: the page of its audit d
// holds, and "Show more" loading the next while the run has more.
func (u *UI) fieldChanges(d app.RunDetail) fyne.CanvasObject {
	rows := auditCells(nil, d.Audit)
	if len(rows) == 0 {
		return container.NewCenter(widget.NewLabel("This run wrote no field."))
	}
	table := newTextTable([]string{"Side", "Record", "Field", "Old", "New", "Rule"}, []float32{50, 140, 140, 220, 220, 140}, &rows)
	if len(rows) >= d.AuditTotal {
		return table
	}
	last := d.Audit[len(d.Audit)-1].ID
	shown := widget.NewLabel("")
	more := widget.NewButton("Show more", nil)
	update := func(done bool) {
		shown.SetText(fmt.Sprintf("Showing %d of %d field changes; Export CSV writes them all.", len(rows), d.AuditTotal))
		if done || len(rows) >= d.AuditTotal {
			more.Hide()
		}
	}
	more.OnTapped = func() {
		more.Disable()
		bg(u, func(ctx context.Context) ([]store.AuditRow, error) {
			return u.a.AuditPage(ctx, d.Run.ID, last, auditPageRecords)
		},
			func(page []store.AuditRow, err error) {
				more.Enable()
				if err != nil {
					showError(u.win, err)
					return
				}
				if len(page) > 0 {
					last = page[len(page)-1].ID
					rows = auditCells(rows, page)
					table.Refresh()
				}
				update(len(page) == 0)
			})
	}
	update(false)
	return container.NewBorder(nil, container.NewHBox(shown, more), nil, nil, table)
}
