package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
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

// keyOrder returns 0..n-1 ordered by key, stably (rows of one record keep
// their order, so the last write still wins). Inserting a transaction's rows
// in primary-key order visits each B-tree leaf once, in order, instead of
// at random: at 100k records per side the key indexes are about three
// times SQLite's page cache, and random order re-read evicted pages.
func keyOrder(n int, key func(i int) string) []int {
	order := make([]int, n)
	keys := make([]string, n)
	for i := range order {
		order[i], keys[i] = i, key(i)
	}
	slices.SortStableFunc(order, func(x, y int) int { return strings.Compare(keys[x], keys[y]) })
	return order
}

// splitFresh splits positions, given in key order, into those whose key is
// not stored and appears once (fresh: a plain INSERT OR FAIL adds them) and
// the rest (an upsert, which also resolves repeats in their order). A
// multi-row upsert makes SQLite keep a statement journal of every page it
// touches; a fresh first sync is almost all inserts (BENCHMARKS.md, fix 27).
func splitFresh(order []int, key func(i int) string, stored func(i int) bool) (fresh, rest []int) {
	for n, i := range order {
		k := key(i)
		repeated := n > 0 && key(order[n-1]) == k || n+1 < len(order) && key(order[n+1]) == k
		if repeated || stored(i) {
			rest = append(rest, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	return fresh, rest
}

// insertOrUpsert writes the rows at positions fresh with INSERT OR FAIL and
// those at rest with INSERT ... upsert (see splitFresh); into is
// "table(columns) VALUES ". args gets a position. It returns the rows
// affected.
func (s *DB) insertOrUpsert(ctx context.Context, tx *sql.Tx, into, upsert string, cols int, fresh, rest []int, args func(at int, dst []any) []any) (int64, error) {
	n, err := s.multiRow(ctx, tx, "INSERT OR FAIL INTO "+into, "", cols, len(fresh), func(i int, dst []any) []any { return args(fresh[i], dst) })
	if err != nil {
		return n, err
	}
	m, err := s.multiRow(ctx, tx, "INSERT INTO "+into, upsert, cols, len(rest), func(i int, dst []any) []any { return args(rest[i], dst) })
	return n + m, err
}

// splitExpected splits positions, given in key order, into the rows marked
// new whose key appears once (for insertExpectedNew) and the rest (to be
// looked up first): splitFresh, with "marked new" for "not stored".
func splitExpected(order []int, key func(i int) string, isNew func(i int) bool) (expected, checked []int) {
	return splitFresh(order, key, func(i int) bool { return !isNew(i) })
}

// insertExpectedNew writes the rows at positions order (in key order) with
// INSERT OR FAIL into table, a rowid table, and reports true, for rows the
// caller expects to be new: the first read of an empty side, records just
// created on a CRM, links the plan made. It spares insertOrUpsert's lookup
// of the stored rows, a B-tree probe per row (BENCHMARKS.md, fix 45). When
// a row was stored after all, a unique constraint fails part way: the rows
// this call added, which SQLite gave the table's highest rowids, are
// deleted again and it reports false, for the caller's checked path.
func (s *DB) insertExpectedNew(ctx context.Context, tx *sql.Tx, table, into string, cols int, order []int, args func(at int, dst []any) []any) (bool, error) {
	if len(order) == 0 {
		return true, nil
	}
	var top int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM "+table).Scan(&top); err != nil {
		return false, err
	}
	_, err := s.multiRow(ctx, tx, "INSERT OR FAIL INTO "+into, "", cols, len(order), func(i int, dst []any) []any { return args(order[i], dst) })
	if err == nil {
		return true, nil
	}
	if !isUniqueViolation(err) {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE rowid > ?", top); err != nil {
		return false, err
	}
	return false, nil
}

// idsBySide groups ids per side in first-seen order, without duplicates.
func idsBySide(n int, at func(i int) (side, id string)) map[string][]string {
	out := map[string][]string{}
	seen := make(map[[2]string]bool, n)
	for i := range n {
		side, id := at(i)
		if k := [2]string{side, id}; !seen[k] {
			seen[k] = true
			out[side] = append(out[side], id)
		}
	}
	return out
}

// keyedRecord is one record whose stored match keys are being replaced.
type keyedRecord struct {
	side, id string
	keys     string   // encodeKeys of list
	list     []string // its new keys by rule, "" where a rule gives none
}

// newKeyed lists a record's match keys by rule, "" where a rule gives
// none; a deleted record matches nothing.
func newKeyed(side, id string, deleted bool, keys []RecordKey) keyedRecord {
	r := keyedRecord{side: side, id: id, keys: "[]"}
	if deleted || len(keys) == 0 {
		return r
	}
	n := 0
	for _, k := range keys {
		n = max(n, k.Rule+1)
	}
	r.list = make([]string, n)
	for _, k := range keys {
		r.list[k.Rule] = k.Key
	}
	r.keys = encodeKeys(r.list)
	return r
}

// encodeKeys renders keys as the JSON array json.Marshal writes. Keys are
// normalized emails, phones and custom values: they are written by hand
// unless one holds a character json.Marshal escapes (it also escapes <, >
// and &), which goes through json.Marshal so that a stored column keeps
// comparing equal.
func encodeKeys(keys []string) string {
	if len(keys) == 0 {
		return "[]"
	}
	n := 2
	for _, k := range keys {
		for i := 0; i < len(k); i++ {
			if c := k[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				b, _ := json.Marshal(keys)
				return string(b)
			}
		}
		n += len(k) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"')
	}
	return string(append(b, ']'))
}

// decodeKeys reads a keys column. The plain form encodeKeys writes is
// split by hand; anything else goes through encoding/json.
func decodeKeys(s string) []string {
	if s == "" || s == "[]" {
		return nil
	}
	if len(s) >= 4 && s[0] == '[' && s[1] == '"' && s[len(s)-2] == '"' && s[len(s)-1] == ']' && strings.IndexByte(s, '\\') < 0 {
		parts := strings.Split(s[2:len(s)-2], `","`)
		if strings.Count(s, `"`) == 2*len(parts) {
			return parts
		}
	}
	var out []string
	_ = json.Unmarshal([]byte(s), &out) // written by encodeKeys
	return out
}

// storedRow is what the index holds of one record.
type storedRow struct {
	keys, fields string
	deleted      bool
}

// eachRow runs the prepared query q in tx and calls scan for each row.
func (s *DB) eachRow(ctx context.Context, tx *sql.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// storedRows returns the stored rows of the records of side among ids that
// exist, by id. It must run before their rows are upserted.
func (s *DB) storedRows(ctx context.Context, tx *sql.Tx, syncID int64, side string, ids []string) (map[string]storedRow, error) {
	out := map[string]storedRow{}
	err := s.eachRow(ctx, tx, "SELECT id, keys, fields, deleted FROM records WHERE sync_id = ? AND side = ? AND id IN (SELECT value FROM json_each(?))",
		[]any{syncID, side, jsonList(ids)}, func(rows *sql.Rows) error {
			var id string
			var r storedRow
			if err := rows.Scan(&id, &r.keys, &r.fields, &r.deleted); err != nil {
				return err
			}
			out[id] = r
			return nil
		})
	return out, err
}

// sideID names a record: its side and id (a map key without concatenating).
type sideID struct{ side, id string }

// storedKeyColumns returns the keys column of the stored rows that carry
// keys, by sideID, as replaceKeys wants them.
func storedKeyColumns(side string, stored map[string]storedRow) map[sideID]string {
	old := make(map[sideID]string, len(stored))
	for id, r := range stored {
		if r.keys != "[]" {
			old[sideID{side, id}] = r.keys
		}
	}
	return old
}

// replaceKeys logs the move of each record's match keys from the keys it
// had (old, from storedKeyColumns) to its new ones, only for the keys that
// changed: most records are new (nothing to drop) or keep their keys
// (nothing to do). The log goes to record_keys in one sorted pass before
// the next lookup (flushKeys). Where a record appears more than once, its
// last write's keys win, as if the writes ran one after another.
func (s *DB) replaceKeys(ctx context.Context, tx *sql.Tx, syncID int64, old map[sideID]string, recs []keyedRecord) error {
	last := make(map[sideID]int, len(recs))
	for i, r := range recs {
		last[sideID{r.side, r.id}] = i
	}
	type keyRow struct {
		side, id string
		rule     int
		key      string
		present  bool
	}
	var log []keyRow
	for i, r := range recs {
		k := sideID{r.side, r.id}
		if last[k] != i {
			continue
		}
		was := old[k]
		if was == r.keys {
			continue
		}
		before, after := decodeKeys(was), r.list
		for rule, k := range before {
			if k != "" && (rule >= len(after) || after[rule] != k) {
				log = append(log, keyRow{r.side, r.id, rule, k, false})
			}
		}
		for rule, k := range after {
			if k != "" && (rule >= len(before) || before[rule] != k) {
				log = append(log, keyRow{r.side, r.id, rule, k, true})
			}
		}
	}
	_, err := s.multiRow(ctx, tx, "INSERT INTO key_log(sync_id, rule, key, side, id, present) VALUES ", "", 6, len(log),
		func(i int, dst []any) []any {
			r := log[i]
			return append(dst, syncID, r.rule, r.key, r.side, r.id, r.present)
		})
	return err
}

// flushKeys applies the key log of a sync to record_keys: for each key of
// each record, its newest log row says whether the record has it. The
// GROUP BY hands the rows over sorted by record_keys' primary key, so each
// leaf is written once, in order, however many transactions logged them.
func (s *DB) flushKeys(ctx context.Context, syncID int64) error {
	var pending bool
	if err := s.sql.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM key_log WHERE sync_id = ?)", syncID).Scan(&pending); err != nil || !pending {
		return err
	}
	// SQLite takes the bare column present from the row holding max(seq).
	const newest = `SELECT rule, key, side, id, present, max(seq) FROM key_log WHERE sync_id = ?1 GROUP BY rule, key, side, id`
	return s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// SQLite's sorter holds up to the page cache's size in memory
		// before it spills to a temporary file, and the GROUP BY and the
		// IN list each sort: with the 16 MB cache a 200k-key flush raised
		// peak RSS by 65 MB, with 2 MB by 10 MB, at the same speed.
		if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = -2048"); err != nil {
			return err
		}
		defer tx.ExecContext(ctx, "PRAGMA cache_size = "+cacheSize) // ctx cannot be cancelled here (Tx)
		// Finding the drops takes a GROUP BY of its own: skip it when there
		// are none, as in a first sync (a quarter of a 200k-key flush).
		var drops bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM key_log WHERE sync_id = ? AND present = 0)", syncID).Scan(&drops); err != nil {
			return err
		}
		if drops {
			if _, err := tx.ExecContext(ctx, `DELETE FROM record_keys WHERE sync_id = ?1 AND (rule, key, side, id) IN
				(SELECT rule, key, side, id FROM (`+newest+`) WHERE present = 0)`, syncID); err != nil {
				return err
			}
		}
		// The GROUP BY already hands rows over in record_keys order; an
		// ORDER BY here would sort them all a second time.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO record_keys(sync_id, rule, key, side, id)
			SELECT ?1, rule, key, side, id FROM (`+newest+`) WHERE present = 1`, syncID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM key_log WHERE sync_id = ?", syncID)
		return err
	})
}
