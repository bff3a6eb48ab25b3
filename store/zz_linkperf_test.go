package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestZZLinkPerf(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, _ := db.SaveSync(ctx, "x", "{}")
	rows, _ := db.SQL().QueryContext(ctx, `EXPLAIN QUERY PLAN INSERT INTO links(sync_id, a_id, b_id, base, created_by, updated_at) VALUES(?,?,?,?,?,?)
		ON CONFLICT(sync_id, a_id) DO UPDATE SET base = json_patch(links.base, excluded.base), updated_at = excluded.updated_at
		WHERE links.b_id = excluded.b_id`, id, "a", "b", "{}", "", 1)
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		t.Log(d)
	}
	rows.Close()
	for i := 0; i < 3000; i++ {
		db.SQL().ExecContext(ctx, "INSERT INTO review(sync_id, kind, side, record_id, created_at) VALUES(?, 'ambiguous', 'a', ?, 1)", id, fmt.Sprint("r", i))
	}
	rows, _ = db.SQL().QueryContext(ctx, `EXPLAIN QUERY PLAN UPDATE review SET status = 'done' WHERE sync_id = ? AND status = 'open'
		AND kind IN ('unmatched', 'ambiguous') AND ((side = 'a' AND record_id = ?) OR (side = 'b' AND record_id = ?))`, id, "a", "b")
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		t.Log(d)
	}
	rows.Close()
	start := time.Now()
	for n := 0; n < 50000; n += 100 {
		c := Commit{SyncID: id}
		for i := n; i < n+100; i++ {
			c.Links = append(c.Links, LinkWrite{AID: fmt.Sprint("a", i), BID: fmt.Sprint("b", i), Base: map[string]string{"email": "x", "first": "y"}})
		}
		if err := db.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
		if n%10000 == 0 {
			t.Log(n, time.Since(start))
		}
	}
}
