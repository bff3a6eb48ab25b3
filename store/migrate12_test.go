package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestDeletedRecordsIndexUpgrade: a schema-11 file upgrades with the
// partial index of deleted records (TestMergedAwayQueryPlan shows it used).
func TestDeletedRecordsIndexUpgrade(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 11, "INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'records_deleted'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("records_deleted after the upgrade: %d (%v)", n, err)
	}
	if got, err := db.MergedAway(ctx, 1, "a", 0); err != nil || len(got) != 0 {
		t.Fatalf("MergedAway on an empty sync: %v, %v", got, err)
	}
}
