package store_test

import (
	"slices"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestSplitRecordsFindsRecordsWrittenTwice: an undo reads the audit a
// page at a time, so the store names the records whose audit is in more
// than one stored row of the runs undone (again later in a run, or in two
// of them), with those rows, which read back field by field with their run.
func TestSplitRecordsFindsRecordsWrittenTwice(t *testing.T) {
	db, id, ctx := engineSync(t)
	var runs []int64
	for range 3 {
		run, err := db.RecordRun(ctx, store.RunRow{SyncID: id, Trigger: "manual", Status: "success"})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	b1 := func(field, old, new string) store.AuditRecord {
		return store.NewAuditRecord([]store.AuditRow{{Side: "b", RecordID: "b1", Field: field, Old: old, New: new, Rule: "a-changed"}})
	}
	a1 := store.NewAuditRecord([]store.AuditRow{{Side: "a", RecordID: "a1", Field: "phone", Old: "1", New: "2", Rule: "b-changed"}})
	commits := []store.Commit{
		{SyncID: id, RunID: runs[0], Audit: []store.AuditRecord{b1("FirstName", "Ann", "Augusta"), a1}},
		{SyncID: id, RunID: runs[0], Audit: []store.AuditRecord{b1("LastName", "Lee", "King")}},
		{SyncID: id, RunID: runs[1], Audit: []store.AuditRecord{b1("Phone", "", "5")}},
		{SyncID: id, RunID: runs[2], Audit: []store.AuditRecord{a1}},
	}
	for _, c := range commits {
		if err := db.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	split, err := db.AuditSplitRecords(ctx, runs[:2])
	if err != nil {
		t.Fatal(err)
	}
	ids := split[store.AuditKey{Side: "b", RecordID: "b1"}]
	if len(split) != 1 || len(ids) != 3 || !slices.IsSorted(ids) {
		t.Fatalf("split records of runs %v: %v; want b1 alone, with its 3 rows", runs[:2], split)
	}
	rows, err := db.AuditRowsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Field+"@"+map[bool]string{true: "first", false: "second"}[r.RunID == runs[0]])
	}
	if want := []string{"FirstName@first", "LastName@first", "Phone@second"}; !slices.Equal(got, want) {
		t.Fatalf("rows of b1: %v, want %v", got, want)
	}
	// a1 is in runs 0 and 2, but once in each: undoing 0 alone reads it once.
	if split, err := db.AuditSplitRecords(ctx, runs[:1]); err != nil || len(split) != 1 {
		t.Fatalf("split records of run %d: %v %v; want b1 alone", runs[0], split, err)
	}
}
