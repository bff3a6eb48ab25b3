package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergedAwayQueryPlan: the search for records merged away reads the
// partial index of deleted records, not every record indexed since the
// mark, for both sides.
func TestMergedAwayQueryPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crmsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, side := range []string{"a", "b"} {
		rows, err := db.sql.QueryContext(ctx, "EXPLAIN QUERY PLAN "+mergedAwayQuery(side), otherSide(side), 1, side, 0)
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
		if got := strings.Join(plan, "; "); !strings.Contains(got, "SEARCH r USING INDEX records_deleted") {
			t.Fatalf("side %s: query plan %s; want records read through records_deleted", side, got)
		}
	}
}
