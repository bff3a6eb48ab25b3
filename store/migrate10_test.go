package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
)

// TestMigration10KeepsCursors upgrades a schema-9 file: its read cursors
// and done marks survive, and no side has listed deletes yet.
func TestMigration10KeepsCursors(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 9,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		"INSERT INTO cursors(sync_id, side, cursor, done_seq, updated_at) VALUES (1, 'a', 'hs1|x', 42, 0)")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	st, err := db.SideState(ctx, 1, "a")
	if err != nil || st.Cursor != "hs1|x" || st.DoneSeq != 42 {
		t.Fatalf("side A after migration: %+v, %v", st, err)
	}
	if since, err := db.DeletesSince(ctx, 1, "a"); err != nil || !since.IsZero() {
		t.Fatalf("deletes listed after migration: %v, %v; want never", since, err)
	}
}

// TestDeletesSinceNeverMovesBack: the mark of a side's deletes listing
// only advances, leaves the read cursor alone, and goes with a reset.
func TestDeletesSinceNeverMovesBack(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir()+"/"+store.FileName)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, err := db.SaveSync(ctx, "s", "{}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.IndexPage(ctx, id, "a", nil, store.PageOptions{Cursor: "c1", SaveCursor: true}); err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []time.Time{t1, t1.Add(-time.Hour)} {
		if err := db.SetDeletesSince(ctx, id, "a", tt); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.DeletesSince(ctx, id, "a"); err != nil || !got.Equal(t1) {
		t.Fatalf("deletes since %v, %v; want %v", got, err, t1)
	}
	if got, _ := db.DeletesSince(ctx, id, "b"); !got.IsZero() {
		t.Fatalf("side B listed deletes at %v without being asked", got)
	}
	if st, err := db.SideState(ctx, id, "a"); err != nil || st.Cursor != "c1" {
		t.Fatalf("read cursor after the deletes mark: %+v, %v", st, err)
	}
	if err := db.ResetSync(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.DeletesSince(ctx, id, "a"); !got.IsZero() {
		t.Fatalf("deletes since %v after a reset", got)
	}
}
