package store

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerStmt is how many rows one multi-row statement carries. One
// statement per hundred rows instead of one per row is most of what makes a
// 100k-record first sync cheap in SQLite; the bound keeps every statement
// far below SQLite's limit on bound variables.
const rowsPerStmt = 100

// multiRow runs head + "(?,..),(?,..)" + tail over n rows of cols values,
// rowsPerStmt rows per statement. The full-size statement is prepared once
// per DB; the shorter last one is prepared by the transaction. args appends
// row i's values to dst. It returns the rows affected.
func (s *DB) multiRow(ctx context.Context, tx *sql.Tx, head, tail string, cols, n int, args func(i int, dst []any) []any) (int64, error) {
	var affected int64
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + "),"
	buf := make([]any, 0, rowsPerStmt*cols)
	for start := 0; start < n; start += rowsPerStmt {
		k := min(rowsPerStmt, n-start)
		q := head + strings.TrimSuffix(strings.Repeat(one, k), ",") + tail
		buf = buf[:0]
		for i := start; i < start+k; i++ {
			buf = args(i, buf)
		}
		var res sql.Result
		var err error
		if k == rowsPerStmt {
			var st *sql.Stmt
			if st, err = s.stmt(ctx, q); err != nil {
				return affected, err
			}
			res, err = tx.StmtContext(ctx, st).ExecContext(ctx, buf...)
		} else {
			res, err = tx.ExecContext(ctx, q, buf...)
		}
		if err != nil {
			return affected, err
		}
		m, _ := res.RowsAffected()
		affected += m
	}
	return affected, nil
}

// idsBySide groups ids per side in first-seen order, without duplicates.
func idsBySide(n int, at func(i int) (side, id string)) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for i := range n {
		side, id := at(i)
		if k := side + ":" + id; !seen[k] {
			seen[k] = true
			out[side] = append(out[side], id)
		}
	}
	return out
}

// replaceKeys drops the stored match keys of the records written and
// inserts their new ones. Where a record appears more than once, its last
// write's keys win, as if the writes ran one after another.
func (s *DB) replaceKeys(ctx context.Context, tx *sql.Tx, syncID int64, n int, at func(i int) (side, id string, deleted bool, keys []RecordKey)) error {
	if n == 0 {
		return nil
	}
	ids := idsBySide(n, func(i int) (string, string) { side, id, _, _ := at(i); return side, id })
	for _, side := range []string{"a", "b"} {
		if len(ids[side]) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM record_keys WHERE sync_id = ? AND side = ? AND id IN (SELECT value FROM json_each(?))",
			syncID, side, jsonList(ids[side])); err != nil {
			return err
		}
	}
	last := make(map[string]int, n)
	for i := range n {
		side, id, _, _ := at(i)
		last[side+":"+id] = i
	}
	type keyRow struct {
		side, id string
		k        RecordKey
	}
	var rows []keyRow
	for i := range n {
		side, id, deleted, keys := at(i)
		if deleted || last[side+":"+id] != i {
			continue // a deleted record matches nothing
		}
		for _, k := range keys {
			rows = append(rows, keyRow{side, id, k})
		}
	}
	_, err := s.multiRow(ctx, tx, "INSERT OR IGNORE INTO record_keys(sync_id, rule, key, side, id) VALUES ", "", 5, len(rows),
		func(i int, dst []any) []any {
			r := rows[i]
			return append(dst, syncID, r.k.Rule, r.k.Key, r.side, r.id)
		})
	return err
}
