package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestPageWalksTheWholeAudit: pages of the audit, each after the
// last row of the one before, are the whole audit in order (a record's
// fields never split), and AuditCount is its length.
func TestAuditPageWalksTheWholeAudit(t *testing.T) {
	db, id, ctx := engineSync(t)
	run, err := db.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	var recs []store.AuditRecord
	for i := range 7 {
		var rows []store.AuditRow
		for f := range i%3 + 1 {
			rows = append(rows, store.AuditRow{Side: "b", RecordID: fmt.Sprint(i), Field: fmt.Sprint("f", f), New: "v", Rule: "create"})
		}
		recs = append(recs, store.NewAuditRecord(rows))
	}
	if err := db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Audit: recs}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Audit(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.AuditCount(ctx, run); err != nil || n != len(all) || n != 13 {
		t.Fatalf("AuditCount = %d, %v; want %d", n, err, len(all))
	}
	var paged []store.AuditRow
	var after int64
	for pages := 0; ; pages++ {
		page, err := db.AuditPage(ctx, run, after, 2)
		if err != nil || pages > 7 {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("pages:\n got %+v\nwant %+v", paged, all)
	}
}
