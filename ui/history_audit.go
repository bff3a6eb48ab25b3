package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// auditPageRecords is how many records' field changes a run's detail
// loads at a time: a first sync of 100k records writes ~850k fields, and
// holding and laying them all out took seconds and over 100 MB.
const auditPageRecords = 500

// auditCells appends the table rows of audit to rows, each side named by
// its connection and object, as every other screen names it.
func auditCells(rows [][]string, audit []store.AuditRow, sides app.SideNames) [][]string {
	for _, a := range audit {
		rows = append(rows, []string{sides.Of(a.Side), a.RecordID, a.Field, blankAs(a.Old), blankAs(a.New), a.Rule})
	}
	return rows
}

// fieldChanges is run d's Field changes tab: the page of its audit d
// holds, and "Show more" loading the next while the run has more. A run
// of more than a page also offers a search, so one record's changes are
// found without paging through them all.
func (u *UI) fieldChanges(d app.RunDetail) fyne.CanvasObject {
	rows := auditCells(nil, d.Audit, d.Sides)
	if len(rows) == 0 {
		return container.NewCenter(widget.NewLabel("This run wrote no field."))
	}
	v := &auditList{u: u, run: d.Run.ID, sides: d.Sides, total: d.AuditTotal, count: d.AuditTotal, rows: rows, last: d.Audit[len(d.Audit)-1].ID}
	v.table = auditTable(&v.rows, d.Sides)
	if len(rows) >= d.AuditTotal {
		return v.table
	}
	v.holder = container.NewStack(v.table)
	v.shown = widget.NewLabel("")
	v.more = widget.NewButton("Show more", v.showMore)
	v.find = widget.NewEntry()
	v.find.SetPlaceHolder(findRecordHint)
	v.find.OnSubmitted = v.search
	findButton := widget.NewButtonWithIcon("Find", theme.SearchIcon(), func() { v.search(v.find.Text) })
	v.update()
	top := container.NewBorder(nil, nil, nil, findButton, v.find)
	return container.NewBorder(top, container.NewHBox(v.shown, v.more), nil, nil, v.holder)
}

// auditTable is the Field changes table over *rows.
func auditTable(rows *[][]string, sides app.SideNames) *widget.Table {
	t := newTextTable([]string{"Side", "Record", "Field", "Old", "New", "Rule"}, []float32{50, 140, 140, 220, 220, 140}, rows)
	t.SetColumnWidth(0, sideColumnWidth(sides))
	fitRecordColumn(t, *rows)
	return t
}

// sideColumnWidth fits a table's Side column to the longer of the sides'
// names, whole, as the Record column fits an id.
func sideColumnWidth(sides app.SideNames) float32 {
	return max(recordWidth(sides.Of("a")), recordWidth(sides.Of("b")))
}

// fitRecordColumn widens the Record column to the longest id listed, as
// the Errors tab does (recordColumnWidth): Salesforce's 18-character ids
// were cut to "0038d000000000…", the same for every record of an org.
func fitRecordColumn(t *widget.Table, rows [][]string) {
	longest := ""
	for _, r := range rows {
		if len(r[1]) > len(longest) {
			longest = r[1]
		}
	}
	t.SetColumnWidth(1, max(140, recordWidth(longest)))
}

// findRecordHint is the placeholder of a run's field-changes search.
const findRecordHint = "Find a record: its id, or a value the run changed (old or new)"

// auditList is the state of a paged Field changes tab; UI goroutine only.
type auditList struct {
	u     *UI
	run   int64
	sides app.SideNames
	total int    // field changes the run wrote
	match string // the search on show ("": the whole run)
	count int    // field changes of the records the search finds
	rows  [][]string
	last  int64 // the last audit row loaded, where the next page starts
	gen   int   // bumped per search, so a slower earlier answer is dropped
	done  bool  // the last page came back empty

	table  *widget.Table
	holder *fyne.Container // holds table, replaced by each search
	shown  *widget.Label
	more   *widget.Button
	find   *widget.Entry
}

// update says what the table holds and offers the next page while the
// listing has more.
func (v *auditList) update() {
	switch {
	case v.match == "":
		v.shown.SetText(fmt.Sprintf("Showing %d of %d field changes; Export CSV writes them all.", len(v.rows), v.total))
	case v.count == 0:
		v.shown.SetText(fmt.Sprintf("No record's id or field changes hold %q.", v.match))
	case len(v.rows) < v.count:
		v.shown.SetText(fmt.Sprintf("%d field changes of records matching %q; showing %d.", v.count, v.match, len(v.rows)))
	default:
		v.shown.SetText(fmt.Sprintf("%d field changes of records matching %q.", v.count, v.match))
	}
	if v.done || len(v.rows) >= v.count {
		v.more.Hide()
	} else {
		v.more.Show()
	}
}

// showMore loads the listing's next page in the background.
func (v *auditList) showMore() {
	v.more.Disable()
	gen, match, last := v.gen, v.match, v.last
	bg(v.u, func(ctx context.Context) ([]store.AuditRow, error) {
		return v.u.a.AuditMatching(ctx, v.run, match, last, auditPageRecords)
	},
		func(page []store.AuditRow, err error) {
			v.more.Enable()
			if gen != v.gen {
				return // a search replaced the listing meanwhile
			}
			if err != nil {
				showError(v.u.win, err)
				return
			}
			v.add(page)
		})
}

// search lists the first page of the records matching text ("": the
// whole run again) with their count, read in the background.
func (v *auditList) search(text string) {
	text = strings.TrimSpace(text)
	v.gen++
	gen := v.gen
	type found struct {
		page  []store.AuditRow
		count int
	}
	bg(v.u, func(ctx context.Context) (found, error) {
		page, err := v.u.a.AuditMatching(ctx, v.run, text, 0, auditPageRecords)
		if err != nil {
			return found{}, err
		}
		n, err := v.u.a.AuditMatchingCount(ctx, v.run, text)
		return found{page, n}, err
	},
		func(f found, err error) {
			if gen != v.gen {
				return // a later search is on its way
			}
			if err != nil {
				showError(v.u.win, err)
				return
			}
			// A new table for the new listing: the old one's cells hold the
			// rows of the listing before.
			v.match, v.count, v.last, v.done = text, f.count, 0, false
			v.rows = nil
			v.table = auditTable(&v.rows, v.sides)
			v.holder.Objects = []fyne.CanvasObject{v.table}
			v.holder.Refresh()
			v.add(f.page)
		})
}

// add appends a page to the table.
func (v *auditList) add(page []store.AuditRow) {
	if len(page) > 0 {
		v.last = page[len(page)-1].ID
		v.rows = auditCells(v.rows, page, v.sides)
		fitRecordColumn(v.table, v.rows)
	}
	v.done = len(page) == 0
	v.table.Refresh()
	v.update()
}
