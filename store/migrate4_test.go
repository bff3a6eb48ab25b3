package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestMigration4KeepsIndexKeysAndLinks builds a schema-3 file by hand, with
// records, match keys and links, and checks that opening it moves them to
// record_keys as a WITHOUT ROWID table with each record's keys on its row,
// so that a later re-index replaces (not duplicates) them.
func TestMigration4KeepsIndexKeysAndLinks(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 3,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		`INSERT INTO records(sync_id, side, id, modified, fields, seq) VALUES
			(1, 'a', 'a1', 5, '{"email":"x@example.com"}', 1),
			(1, 'a', 'a2', 6, '{"email":""}', 1),
			(1, 'b', 'b1', 7, '{"Email":"x@example.com","Phone":"+1"}', 2)`,
		`INSERT INTO record_keys(sync_id, rule, key, side, id) VALUES
			(1, 0, 'x@example.com', 'a', 'a1'),
			(1, 0, 'x@example.com', 'b', 'b1'),
			(1, 1, '+1', 'b', 'b1')`,
		"INSERT INTO links(sync_id, a_id, b_id, base, updated_at) VALUES (1, 'a1', 'b1', '{\"email\":\"x@example.com\"}', 9)")

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	keys := map[string]string{}
	rows, err := db.SQL().QueryContext(ctx, "SELECT side || ':' || id, keys FROM records ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, k string
		if err := rows.Scan(&id, &k); err != nil {
			t.Fatal(err)
		}
		keys[id] = k
	}
	rows.Close()
	want := map[string]string{"a:a1": `["x@example.com"]`, "a:a2": "[]", "b:b1": `["x@example.com","+1"]`}
	for id, k := range want {
		if keys[id] != k {
			t.Errorf("keys of %s = %q, want %q", id, keys[id], k)
		}
	}
	hits, err := db.KeyHits(ctx, 1, 0, []string{"x@example.com"})
	if err != nil || len(hits) != 2 || hits[0].LinkedTo != "b1" || hits[1].LinkedTo != "a1" {
		t.Fatalf("key hits after migration: %+v, %v", hits, err)
	}
	// Re-indexing b1 with a new phone replaces its rule-1 key.
	if _, err := db.IndexPage(ctx, 1, "b", []store.IndexRecord{{ID: "b1", Modified: 8,
		Fields: map[string]string{"Email": "x@example.com", "Phone": "+2"},
		Keys:   []store.RecordKey{{Rule: 0, Key: "x@example.com"}, {Rule: 1, Key: "+2"}}}}, store.PageOptions{SkipUnchanged: true}); err != nil {
		t.Fatal(err)
	}
	for key, n := range map[string]int{"+1": 0, "+2": 1} {
		if hits, _ := db.KeyHits(ctx, 1, 1, []string{key}); len(hits) != n {
			t.Errorf("rule-1 key %s: %d hits, want %d", key, len(hits), n)
		}
	}
	var withoutRowid int
	db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'record_keys' AND sql LIKE '%WITHOUT ROWID%'").Scan(&withoutRowid)
	if withoutRowid != 1 {
		t.Fatal("record_keys is not a WITHOUT ROWID table")
	}
}
