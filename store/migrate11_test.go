package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestRefWaitsReplacePerRecord: a schema-10 file upgrades with no waits;
// replacing a record's waits drops all of its old ones and no one else's;
// a reset and a deleted sync take theirs along.
func TestRefWaitsReplacePerRecord(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 10, "INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if ws, err := db.RefWaits(ctx, 1); err != nil || len(ws) != 0 {
		t.Fatalf("waits after migration: %v, %v", ws, err)
	}
	first := []store.RefWait{
		{Side: "a", RecordID: "1", RefSync: "companies", RefID: "c1"},
		{Side: "a", RecordID: "1", RefSync: "owners", RefID: "o1"},
		{Side: "b", RecordID: "1", RefSync: "companies", RefID: "x1"},
	}
	if err := db.ReplaceRefWaits(ctx, 1, nil, append(first, first[0])); err != nil {
		t.Fatal(err)
	}
	if counts, err := db.RefWaitCounts(ctx, 1); err != nil || !reflect.DeepEqual(counts, map[string]int{"companies": 2, "owners": 1}) {
		t.Fatalf("counts = %v, %v", counts, err)
	}
	// Record a:1 planned again: its company is linked now, its owner moved.
	moved := store.RefWait{Side: "a", RecordID: "1", RefSync: "owners", RefID: "o2"}
	if err := db.ReplaceRefWaits(ctx, 1, []store.RecordRef{{Side: "a", ID: "1"}}, []store.RefWait{moved}); err != nil {
		t.Fatal(err)
	}
	got, err := db.RefWaits(ctx, 1)
	if want := []store.RefWait{moved, first[2]}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("waits = %v, %v; want %v", got, err, want)
	}
	if err := db.ResetSync(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.RefWaits(ctx, 1); len(got) != 0 {
		t.Fatalf("waits after a reset: %v", got)
	}
	if err := db.ReplaceRefWaits(ctx, 1, nil, first); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSync(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM ref_waits").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d waits left by a deleted sync (%v)", n, err)
	}
}
