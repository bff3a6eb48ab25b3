package store_test

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestRekeyRecordsOncePerVersion: RekeyRecords replaces the stored
// keys an older normalization wrote with those computed now from the
// stored fields, gives the re-keyed records a new seq (planned again),
// leaves deleted records alone, and does nothing again at the same version
// (it is not a pass over the index every run).
func TestRekeyRecordsOncePerVersion(t *testing.T) {
	db, id, ctx := engineSync(t)
	recs := []store.IndexRecord{
		{ID: "a1", Modified: 5, Fields: map[string]string{"email": "Ann@Bücher.example"}, Keys: []store.RecordKey{{Rule: 0, Key: "ann@bücher.example"}}},
		{ID: "a2", Modified: 5, Fields: map[string]string{"email": "bo@example.com"}, Keys: []store.RecordKey{{Rule: 0, Key: "bo@example.com"}}},
		{ID: "a3", Modified: 5, Deleted: true, Fields: map[string]string{"email": "Gone@Bücher.example"}},
	}
	if _, err := db.IndexPage(ctx, id, "a", recs, store.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := db.SideState(ctx, id, "a")
	calls := 0
	keysOf := func(side string, fields map[string]string) []store.RecordKey {
		calls++
		k := strings.ToLower(fields["email"])
		k = strings.Replace(k, "bücher", "xn--bcher-kva", 1) // the new normalization, for the test
		return []store.RecordKey{{Rule: 0, Key: k}}
	}
	n, err := db.RekeyRecords(ctx, id, 1, keysOf)
	if err != nil || n != 1 {
		t.Fatalf("RekeyRecords: %d re-keyed, err %v; want 1 (a1)", n, err)
	}
	hits, _ := db.KeyHits(ctx, id, 0, []string{"ann@xn--bcher-kva.example", "ann@bücher.example", "gone@xn--bcher-kva.example"})
	if len(hits) != 1 || hits[0].ID != "a1" || hits[0].Key != "ann@xn--bcher-kva.example" {
		t.Errorf("key hits after re-keying: %+v; want a1 under its punycode key only", hits)
	}
	if after, _ := db.SideState(ctx, id, "a"); after.MaxSeq <= before.MaxSeq {
		t.Errorf("max seq %d after re-keying, was %d: the re-keyed record is not planned again", after.MaxSeq, before.MaxSeq)
	}
	calls = 0
	if n, err := db.RekeyRecords(ctx, id, 1, keysOf); err != nil || n != 0 || calls != 0 {
		t.Errorf("second RekeyRecords at the same version: %d re-keyed, %d records keyed, err %v; want nothing", n, calls, err)
	}
}

// TestSchema16FileIsRekeyed: a data file an older build (schema 16)
// wrote, whose index holds a Unicode-domain email under its old key, is
// re-keyed at its first RekeyRecords after the upgrade: the punycode key
// finds the record, the old key no longer does.
func TestSchema16FileIsRekeyed(t *testing.T) {
	path := oldSchemaFile(t, 16,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		`INSERT INTO records(sync_id, side, id, modified, deleted, fields, seq, keys)
		 VALUES (1, 'a', 'hs-1', 5, 0, '{"email":"Ann@Bücher.example"}', 1, '["ann@bücher.example"]')`,
		"INSERT INTO record_keys(sync_id, rule, key, side, id) VALUES (1, 0, 'ann@bücher.example', 'a', 'hs-1')")
	db, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	keysOf := func(side string, fields map[string]string) []store.RecordKey {
		return []store.RecordKey{{Rule: 0, Key: strings.Replace(strings.ToLower(fields["email"]), "bücher", "xn--bcher-kva", 1)}}
	}
	if n, err := db.RekeyRecords(t.Context(), 1, 1, keysOf); err != nil || n != 1 {
		t.Fatalf("RekeyRecords after the upgrade: %d, %v; want 1", n, err)
	}
	hits, err := db.KeyHits(t.Context(), 1, 0, []string{"ann@xn--bcher-kva.example", "ann@bücher.example"})
	if err != nil || len(hits) != 1 || hits[0].ID != "hs-1" || hits[0].Key != "ann@xn--bcher-kva.example" {
		t.Errorf("key hits: %+v, %v; want hs-1 under its punycode key only", hits, err)
	}
}
