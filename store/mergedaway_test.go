package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergedAwayQueryPlan: the searches for records merged away (linked
// ones since the mark, and all of them) read the partial index of deleted
// records, not every record indexed, for both sides.
func TestMergedAwayQueryPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crmsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	queries := map[string]func(side string) (string, []any){
		"MergedAway": func(side string) (string, []any) { return mergedAwayQuery(side), []any{otherSide(side), 1, side, 0} },
		"MergedInto": func(side string) (string, []any) { return mergedIntoQuery, []any{1, side} },
	}
	for name, side := range map[string]string{"MergedAway a": "a", "MergedAway b": "b", "MergedInto a": "a", "MergedInto b": "b"} {
		q, args := queries[strings.Fields(name)[0]](side)
		rows, err := db.sql.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX records_deleted") {
			t.Fatalf("%s: query plan %s; want records read through records_deleted", name, got)
		}
	}
}

// TestMergedInto: every record of a side deleted by a merge maps to the
// record it went into; live records and plain deletes do not appear.
func TestMergedInto(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crmsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, err := db.SaveSync(ctx, "contacts", "{}")
	if err != nil {
		t.Fatal(err)
	}
	recs := []IndexRecord{
		{ID: "1", Fields: map[string]string{"email": "a@example.com"}},
		{ID: "2", Deleted: true, Fields: map[string]string{"!merged": "9"}},
		{ID: "3", Deleted: true, Fields: map[string]string{}},
		{ID: "4", Deleted: true, Fields: map[string]string{"!merged": "2"}},
	}
	if _, err := db.IndexPage(ctx, id, "a", recs, PageOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IndexPage(ctx, id, "b", []IndexRecord{{ID: "x", Deleted: true, Fields: map[string]string{"!merged": "y"}}}, PageOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := db.MergedInto(ctx, id, "a")
	if err != nil || len(got) != 2 || got["2"] != "9" || got["4"] != "2" {
		t.Fatalf("MergedInto side a = %v, %v; want 2 -> 9 and 4 -> 2", got, err)
	}
	if got, err := db.MergedInto(ctx, id, "b"); err != nil || len(got) != 1 || got["x"] != "y" {
		t.Fatalf("MergedInto side b = %v, %v; want x -> y", got, err)
	}
}
