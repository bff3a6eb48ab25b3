package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestMigration5DropsSettledJournalRows builds a schema-4 file with one
// settled and one pending journal row and checks that opening it drops the
// settled row and keeps the pending one for reconciliation.
func TestMigration5DropsSettledJournalRows(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 4,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		"INSERT INTO runs(id, sync_id, trigger, status, started_at) VALUES (7, 1, 'manual', 'partial', 0)",
		`INSERT INTO journal(id, sync_id, run_id, side, object, key_field, batch, state, created_at) VALUES
			(1, 1, 7, 'b', 'Contact', 'Email', '[{"source":"a1"}]', 'done', 0),
			(2, 1, 7, 'b', 'Contact', 'Email', '[{"source":"a2"}]', 'pending', 0)`)

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM journal").Scan(&n); err != nil || n != 1 {
		t.Fatalf("journal rows after migration: %d, %v", n, err)
	}
	js, err := db.PendingJournals(ctx, 1)
	if err != nil || len(js) != 1 || js[0].ID != 2 {
		t.Fatalf("pending journal rows: %+v, %v", js, err)
	}
}
