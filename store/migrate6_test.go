package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestMigration6DefersForeignKeys upgrades a schema-5 file and checks that
// records, record_keys and links keep their rows and index, now reference
// syncs with a deferred key, and still cascade when the sync is deleted.
func TestMigration6DefersForeignKeys(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 5,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		`INSERT INTO records(sync_id, side, id, modified, deleted, fields, seq, keys) VALUES
			(1, 'a', 'a1', 5, 0, '{"email":"x@example.com"}', 3, '["x@example.com"]'),
			(1, 'b', 'b1', 6, 0, '{"email":"x@example.com"}', 4, '["x@example.com"]')`,
		`INSERT INTO record_keys(sync_id, rule, key, side, id) VALUES (1, 0, 'x@example.com', 'a', 'a1'), (1, 0, 'x@example.com', 'b', 'b1')`,
		`INSERT INTO links(sync_id, a_id, b_id, base, created_by, updated_at) VALUES (1, 'a1', 'b1', '{"email":"x@example.com"}', '', 7)`)

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	for _, table := range []string{"records", "record_keys", "links"} {
		var ddl string
		if err := db.SQL().QueryRow("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&ddl); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !strings.Contains(ddl, "DEFERRABLE INITIALLY DEFERRED") {
			t.Fatalf("%s is not deferred: %s", table, ddl)
		}
	}
	rows, err := db.Records(ctx, 1, "b", []string{"b1"})
	if err != nil || len(rows) != 1 || rows[0].Seq != 4 || rows[0].Modified != 6 || rows[0].Fields != `{"email":"x@example.com"}` {
		t.Fatalf("record b1 after migration: %+v, %v", rows, err)
	}
	hits, err := db.KeyHits(ctx, 1, 0, []string{"x@example.com"})
	if err != nil || len(hits) != 2 {
		t.Fatalf("key hits after migration: %+v, %v", hits, err)
	}
	links, err := db.Links(ctx, 1)
	if err != nil || len(links) != 1 || links[0].BID != "b1" {
		t.Fatalf("links after migration: %+v, %v", links, err)
	}
	var idx int
	if err := db.SQL().QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'records_by_seq'").Scan(&idx); err != nil || idx != 1 {
		t.Fatalf("records_by_seq: %d, %v", idx, err)
	}

	if _, err := db.SQL().Exec("DELETE FROM syncs WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	assertNoIndexRows(t, db, "after deleting the sync")
}

// assertNoIndexRows fails unless records, record_keys, key_log and links
// are empty.
func assertNoIndexRows(t *testing.T, db *store.DB, when string) {
	t.Helper()
	for _, table := range []string{"records", "record_keys", "key_log", "links"} {
		var n int
		if err := db.SQL().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%s %s: %d rows, %v", table, when, n, err)
		}
	}
}

// TestDeferredKeysStillRefuseOrphans: with the key checked at commit, rows
// of a sync that does not exist are still refused, and nothing is kept.
func TestDeferredKeysStillRefuseOrphans(t *testing.T) {
	db, _, ctx := engineSync(t)
	rec := store.IndexRecord{ID: "a1", Modified: 1, Fields: map[string]string{"email": "x@example.com"}, Keys: []store.RecordKey{{Rule: 0, Key: "x@example.com"}}}
	if _, err := db.IndexPage(ctx, 999, "a", []store.IndexRecord{rec}, store.PageOptions{}); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("IndexPage of a missing sync: %v", err)
	}
	err := db.Commit(ctx, store.Commit{SyncID: 999, Links: []store.LinkWrite{{AID: "a1", BID: "b1"}}})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("Commit of a missing sync: %v", err)
	}
	assertNoIndexRows(t, db, "after refused writes")
}

// TestNewRowsRepeatedInOneWrite: a record or link new to the store that
// appears twice in one page or commit is written once, its last copy
// winning, as it was when every row went through the upsert.
func TestNewRowsRepeatedInOneWrite(t *testing.T) {
	db, id, ctx := engineSync(t)
	rec := func(rid, email string) store.IndexRecord {
		return store.IndexRecord{ID: rid, Modified: 1, Fields: map[string]string{"email": email}, Keys: []store.RecordKey{{Rule: 0, Key: email}}}
	}
	seq, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec("a1", "old@example.com"), rec("a2", "y@example.com"), rec("a1", "new@example.com")}, store.PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Records(ctx, id, "a", []string{"a1"})
	if err != nil || len(rows) != 1 || rows[0].Fields != `{"email":"new@example.com"}` || rows[0].Seq != seq+2 {
		t.Fatalf("a1: %+v, %v (first seq %d)", rows, err, seq)
	}
	if hits, err := db.KeyHits(ctx, id, 0, []string{"old@example.com"}); err != nil || len(hits) != 0 {
		t.Fatalf("the first copy's key is still indexed: %+v, %v", hits, err)
	}

	err = db.Commit(ctx, store.Commit{SyncID: id,
		Index: []store.IndexWrite{
			{Side: "b", ID: "b1", Modified: 9, Fields: `{"email":"first@example.com"}`},
			{Side: "b", ID: "b1", Modified: 3, Fields: `{"email":"last@example.com"}`},
		},
		Links: []store.LinkWrite{
			{AID: "a1", BID: "b1", Base: store.EncodeFields(map[string]string{"email": "first@example.com", "phone": "+15550100"}), CreatedBy: "b"},
			{AID: "a1", BID: "b1", Base: `{"email":"last@example.com"}`},
		}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err = db.Records(ctx, id, "b", []string{"b1"})
	if err != nil || len(rows) != 1 || rows[0].Fields != `{"email":"last@example.com"}` || rows[0].Modified != 9 {
		t.Fatalf("b1: %+v, %v", rows, err)
	}
	links, err := db.Links(ctx, id)
	if err != nil || len(links) != 1 || links[0].Base != `{"email":"last@example.com","phone":"+15550100"}` || links[0].CreatedBy != "b" {
		t.Fatalf("links: %+v, %v", links, err)
	}

	// A new link whose B side is already linked is still a clash.
	err = db.Commit(ctx, store.Commit{SyncID: id, Links: []store.LinkWrite{{AID: "a2", BID: "b1"}}})
	if !errors.Is(err, store.ErrLinkClash) {
		t.Fatalf("a second link to b1: %v", err)
	}
}
