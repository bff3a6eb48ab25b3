package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestSidesFromRunUpgrade: a schema-13 file upgrades with no run barred
// from undo; a reset of the sides (a changed connection or object) bars
// the runs made so far, and only those.
func TestSidesFromRunUpgrade(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 13,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		"INSERT INTO runs(id, sync_id, trigger, status, started_at) VALUES (7, 1, 'manual', 'success', 0)")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if r, err := db.SyncByID(ctx, 1); err != nil || r.SidesFromRun != 0 {
		t.Fatalf("after the upgrade: %+v, %v; want no run barred", r, err)
	}
	if err := db.ResetSync(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if r, err := db.SyncByID(ctx, 1); err != nil || r.SidesFromRun != 7 {
		t.Fatalf("after a reset: %+v, %v; want runs up to 7 barred", r, err)
	}
}
