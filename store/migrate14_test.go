package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestDuplicateReviewUpgrade: a schema-14 file keeps its review items
// through the rebuild of the review table, and takes duplicate items.
func TestDuplicateReviewUpgrade(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 14,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		`INSERT INTO review(id, sync_id, kind, status, side, record_id, detail, decision, created_at, decided_at)
		 VALUES (5, 1, 'ambiguous', 'decided', 'a', 'hs-1', '{"reason":"two"}', '{"action":"skip"}', 10, 20)`)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	it, err := db.Review(ctx, 5)
	if err != nil || it.Kind != "ambiguous" || it.Status != "decided" || it.RecordID != "hs-1" || it.Detail != `{"reason":"two"}` || it.Decision != `{"action":"skip"}` {
		t.Fatalf("the old item after the upgrade: %+v, %v", it, err)
	}
	if err := db.Commit(ctx, store.Commit{SyncID: 1, Reviews: []store.ReviewRow{{Kind: "duplicate", Side: "a", RecordID: "hs-2", Detail: `{"reason":"rule"}`}}}); err != nil {
		t.Fatalf("a duplicate item: %v", err)
	}
	if rs, err := db.Reviews(ctx, 1, "duplicate", "open"); err != nil || len(rs) != 1 || rs[0].RecordID != "hs-2" {
		t.Fatalf("duplicate items: %+v, %v", rs, err)
	}
}
