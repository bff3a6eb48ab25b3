package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// addAudit appends n records of four field changes each to run id's audit,
// as a big first sync writes them.
func addAudit(t *testing.T, l *live, syncID, runID int64, n int) {
	t.Helper()
	if err := l.a.DB().Commit(context.Background(), store.Commit{SyncID: syncID, RunID: runID, Audit: auditRecords(n)}); err != nil {
		t.Fatal(err)
	}
}

// auditRecords are n records of four field changes each.
func auditRecords(n int) []store.AuditRecord {
	recs := make([]store.AuditRecord, 0, n)
	for i := range n {
		var b store.AuditBuilder
		for _, f := range []string{"firstname", "lastname", "email", "phone"} {
			b.Add(f, "", fmt.Sprintf("%s-%d", f, i), "a-wins")
		}
		rec, _ := b.Record("b", fmt.Sprintf("rec-%06d", i))
		recs = append(recs, rec)
	}
	return recs
}

// fieldChangesTable is the run detail's Field changes tab and its table.
func fieldChangesTable(w fyne.Window) (*container.TabItem, *widget.Table) {
	tabs := firstOf[*container.AppTabs](w)
	if tabs == nil || len(tabs.Items) < 2 {
		return nil, nil
	}
	item := tabs.Items[1]
	for _, o := range test.LaidOutObjects(item.Content) {
		if t, ok := o.(*widget.Table); ok {
			return item, t
		}
	}
	return item, nil
}

// TestRunDetailPagesFieldChanges: a first sync of 100k records writes
// ~850k field changes. Opening that run in History must not load and lay
// out every one of them (seconds and over 100 MB each time): the Field
// changes tab shows a page, says the run's true total, and "Show more"
// loads the next page. Undo stays offered.
func TestRunDetailPagesFieldChanges(t *testing.T) {
	l := newLive(t)
	d := demoRunDetail(t, l)
	const records = 10000
	addAudit(t, l, d.Run.SyncID, d.Run.ID, records)
	total := len(d.Audit) + 4*records

	l.ui(func() { l.u.openRunDetail(d.Run.ID) })
	l.see("Undo this run")
	var item *container.TabItem
	var table *widget.Table
	var rows int
	l.ui(func() {
		item, table = fieldChangesTable(l.u.Window())
		if table != nil {
			rows, _ = table.Length()
		}
	})
	if table == nil {
		t.Fatal("no Field changes table in the run's detail")
	}
	if want := fmt.Sprintf("Field changes (%d)", total); item.Text != want {
		t.Errorf("tab says %q, want %q", item.Text, want)
	}
	if shown := rows - 1; shown > total/4 {
		t.Fatalf("the run's detail holds %d of its %d field changes at once; want a page", shown, total)
	}
	l.see(fmt.Sprintf("Showing %d of %d field changes", rows-1, total))
	l.tap("Show more")
	var more int
	l.ui(func() {
		_, table = fieldChangesTable(l.u.Window())
		more, _ = table.Length()
	})
	if more <= rows {
		t.Fatalf("Show more left %d rows, had %d", more-1, rows-1)
	}
	// Export CSV from the detail on show writes every field change, not
	// the pages loaded.
	paged, err := l.a.RunDetailPage(context.Background(), d.Run.ID, auditPageRecords)
	if err != nil || paged.AuditTotal != total || len(paged.Audit) >= total {
		t.Fatalf("RunDetailPage: %v, %d of %d field changes (want a page of %d)", err, len(paged.Audit), paged.AuditTotal, total)
	}
	lines := exportedCSV(t, l, paged)
	if want := 1 + total + len(d.Errors); len(lines) != want {
		t.Errorf("the CSV has %d rows, want %d (a header and every field change)", len(lines), want)
	}
	l.closeDialogs()
	var undo *widget.Button
	l.ui(func() { undo = buttonOnScreen(l.u.Window(), "Undo this run") })
	if undo == nil || undo.Disabled() {
		t.Error("Undo this run is not offered for a run with field changes")
	}
}

// BenchmarkAuditRunDetail200k opens the detail of a run that wrote 200k
// fields (50k records of four) and lays it out in a 1200×800 window: "all"
// loads every field change as before paging, "page" what the UI loads now.
func BenchmarkAuditRunDetail200k(b *testing.B) {
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{Home: b.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors()})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	syncID, err := a.DB().SaveSync(ctx, "contacts", "{}")
	if err != nil {
		b.Fatal(err)
	}
	runID, err := a.DB().OpenRun(ctx, syncID, "manual", 0)
	if err != nil {
		b.Fatal(err)
	}
	const records = 50000
	if err := a.DB().Commit(ctx, store.Commit{SyncID: syncID, RunID: runID, Audit: auditRecords(records)}); err != nil {
		b.Fatal(err)
	}
	u := New(test.NewTempApp(b), Deps{App: a})
	defer u.Close()
	u.uiMu.Lock()
	u.ShowMain()
	u.Window().Resize(fyne.NewSize(1200, 800))
	u.uiMu.Unlock()
	u.pending.Wait()
	for _, bc := range []struct {
		name string
		load func() (app.RunDetail, error)
	}{
		{"all", func() (app.RunDetail, error) { return a.RunDetail(ctx, runID) }},
		{"page", func() (app.RunDetail, error) { return a.RunDetailPage(ctx, runID, auditPageRecords) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d, err := bc.load()
				if err != nil || d.AuditTotal != 4*records {
					b.Fatalf("%v, %d field changes", err, d.AuditTotal)
				}
				u.uiMu.Lock()
				u.openPane(u.runDetailView(d))
				u.uiMu.Unlock()
			}
		})
	}
}
