package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// IndexRecord is one record as the engine indexes it: the fields the sync
// uses and the normalized match keys.
type IndexRecord struct {
	ID       string
	Modified int64 // unix ms
	Deleted  bool
	Fields   map[string]string
	Keys     []RecordKey
}

// RecordKey is one normalized match key of a record.
type RecordKey struct {
	Rule int
	Key  string
}

// IndexRow is a stored record of the index.
type IndexRow struct {
	ID       string
	Modified int64
	Deleted  bool
	Fields   string // JSON object
	Seq      int64
}

// PairRow is a record of one side with its link and linked record, as the
// planner walks the index.
type PairRow struct {
	Rec       IndexRow
	Linked    bool
	OtherID   string
	Base      string // JSON object: row key -> canonical value
	CreatedBy string
	Other     IndexRow
	OtherSeen bool // the linked record is in the index
}

func jsonList(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

func otherSide(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// PageOptions tune IndexPage.
type PageOptions struct {
	Cursor     string // the read cursor after these records
	SaveCursor bool   // store Cursor with the records
	// SkipUnchanged leaves alone a record whose stored row already holds
	// the same fields, keys and deleted flag: the run after a large write
	// reads all of its own writes back, and indexing them again gave each
	// a new seq, so the planner merged every one of them as a no-op. A
	// skipped record keeps its seq, so one not yet planned is still
	// planned, and its stored modified time (the time of our write): only
	// the "newer" conflict rule reads it, for a record changed since, which
	// is then indexed again. A full resync does not skip: it re-merges
	// every pair.
	SkipUnchanged bool
	// Fresh says the side's index was empty when this read began (a first
	// sync): the records are expected to be new, so they are inserted
	// without first looking each one up. One that was indexed after all
	// (a record a CRM's paging gave twice) sends the group down the
	// checked path; nothing is lost, it is only slower.
	Fresh bool
	// Unchanged, when set, is added the records SkipUnchanged left alone,
	// so a plan can say what its read records came to.
	Unchanged *int
}

// IndexPage stores one page of records and their keys and then the page's
// cursor, in one transaction: a crash mid-read resumes from the last cursor
// whose page is fully indexed. It returns the seq given to the page's first
// record; the others follow in order. One seq per record keeps the planner's
// (seq, id) keyset walk a seek: SQLite seeks on seq only, so records sharing
// a seq were scanned again for every chunk.
func (s *DB) IndexPage(ctx context.Context, syncID int64, side string, recs []IndexRecord, opts PageOptions) (int64, error) {
	var seq int64
	skipped := 0
	inner := opts
	inner.Unchanged = &skipped
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		skipped = 0
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM records WHERE sync_id = ? AND side = ?", syncID, side).Scan(&seq); err != nil {
			return err
		}
		if err := s.indexRecords(ctx, tx, syncID, side, recs, seq, inner); err != nil {
			return err
		}
		if opts.SaveCursor {
			_, err := tx.ExecContext(ctx, `INSERT INTO cursors(sync_id, side, cursor, updated_at) VALUES(?,?,?,?)
				ON CONFLICT(sync_id, side) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`, syncID, side, opts.Cursor, s.nowMS())
			return err
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: index page of sync %d side %s: %w", syncID, side, err)
	}
	if opts.Unchanged != nil {
		*opts.Unchanged += skipped
	}
	return seq, nil
}

func (s *DB) indexRecords(ctx context.Context, tx *sql.Tx, syncID int64, side string, recs []IndexRecord, seq int64, opts PageOptions) error {
	if len(recs) == 0 {
		return nil
	}
	fields := make([]string, len(recs))
	keyed := make([]keyedRecord, len(recs))
	ids := make([]string, len(recs))
	for i, r := range recs {
		fields[i] = EncodeFields(r.Fields)
		keyed[i] = newKeyed(side, r.ID, r.Deleted, r.Keys)
		ids[i] = r.ID
	}
	// A record read twice in one group is decided by its last copy, the
	// one the upsert keeps.
	last := make(map[string]int, len(recs))
	for i, r := range recs {
		last[r.ID] = i
	}
	row := func(i int, dst []any) []any {
		r := recs[i]
		return append(dst, syncID, side, r.ID, r.Modified, r.Deleted, fields[i], seq+int64(i), keyed[i].keys)
	}
	const into = "records(sync_id, side, id, modified, deleted, fields, seq, keys) VALUES "
	if opts.Fresh && len(last) == len(recs) {
		inserted, err := s.insertExpectedNew(ctx, tx, "records", into, 8, keyOrder(len(recs), func(i int) string { return recs[i].ID }), row)
		if err != nil {
			return err
		}
		if inserted {
			return s.replaceKeys(ctx, tx, syncID, nil, keyed) // no stored keys to drop
		}
	}
	stored, err := s.storedRows(ctx, tx, syncID, side, ids)
	if err != nil {
		return err
	}
	old := storedKeyColumns(side, stored)
	write := make([]int, 0, len(recs)) // positions in recs to upsert
	for i, r := range recs {
		j := last[r.ID]
		if st, ok := stored[r.ID]; opts.SkipUnchanged && ok && st.fields == fields[j] && st.keys == keyed[j].keys && st.deleted == recs[j].Deleted {
			if opts.Unchanged != nil {
				*opts.Unchanged++
			}
			continue
		}
		write = append(write, i)
	}
	if len(write) == 0 {
		return nil
	}
	order := keyOrder(len(write), func(i int) string { return recs[write[i]].ID })
	fresh, rest := splitFresh(order, func(i int) string { return recs[write[i]].ID }, func(i int) bool {
		_, ok := stored[recs[write[i]].ID]
		return ok
	})
	_, err = s.insertOrUpsert(ctx, tx, into,
		" ON CONFLICT(sync_id, side, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, fields = excluded.fields, seq = excluded.seq, keys = excluded.keys",
		8, fresh, rest, func(at int, dst []any) []any { return row(write[at], dst) })
	if err != nil {
		return err
	}
	changed := make([]keyedRecord, len(write))
	for i, j := range write {
		changed[i] = keyed[j]
	}
	return s.replaceKeys(ctx, tx, syncID, old, changed)
}

// touchRecords gives the records of sync ?1, side ?2 whose ids the
// subquery appended to it lists the next seq, so the next plan reads them
// as changed.
const touchRecords = `UPDATE records SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM records WHERE sync_id = ?1 AND side = ?2)
		WHERE sync_id = ?1 AND side = ?2 AND id IN `

// TouchRecords gives records a new seq so the next plan looks at them again
// (due retries, decided reviews).
func (s *DB) TouchRecords(ctx context.Context, syncID int64, side string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.sql.ExecContext(ctx, touchRecords+`(SELECT value FROM json_each(?3))`, syncID, side, jsonList(ids))
	if err != nil {
		return fmt.Errorf("store: touch records of sync %d side %s: %w", syncID, side, err)
	}
	return nil
}

// pairSelect selects a record of side with its link and linked record; the
// caller appends the WHERE clause. Its first parameter is the other side.
func pairSelect(side string) string {
	mine, theirs := "a_id", "b_id"
	if side == "b" {
		mine, theirs = "b_id", "a_id"
	}
	return `SELECT r.id, r.modified, r.deleted, r.fields, r.seq,
		l.` + theirs + ` IS NOT NULL, coalesce(l.` + theirs + `, ''), coalesce(l.base, '{}'), coalesce(l.created_by, ''),
		o.id IS NOT NULL, coalesce(o.id, ''), coalesce(o.modified, 0), coalesce(o.deleted, 0), coalesce(o.fields, '{}'), coalesce(o.seq, 0)
		FROM records r
		LEFT JOIN links l ON l.sync_id = r.sync_id AND l.` + mine + ` = r.id
		LEFT JOIN records o ON o.sync_id = r.sync_id AND o.side = ? AND o.id = l.` + theirs
}

// dest appends the scan targets matching pairSelect's columns to buf.
func (p *PairRow) dest(buf []any) []any {
	return append(buf, &p.Rec.ID, &p.Rec.Modified, &p.Rec.Deleted, &p.Rec.Fields, &p.Rec.Seq,
		&p.Linked, &p.OtherID, &p.Base, &p.CreatedBy,
		&p.OtherSeen, &p.Other.ID, &p.Other.Modified, &p.Other.Deleted, &p.Other.Fields, &p.Other.Seq)
}

// scanInto appends a T to out for each row and scans the row straight into
// it. Scanned into a local first, every row escaped to the heap (Scan
// holds its pointers), and out grew by copying: for the pairs the planner
// pages through, 48 of the 517 MB the four bench runs of 10k contacts
// allocated (BENCHMARKS.md, fix 46).
func scanInto[T any](rows *sql.Rows, out []T, dest func(t *T, buf []any) []any) ([]T, error) {
	var buf []any
	var zero T
	for rows.Next() {
		out = append(out, zero)
		buf = dest(&out[len(out)-1], buf[:0])
		if err := rows.Scan(buf...); err != nil {
			return out[:len(out)-1], err
		}
	}
	return out, rows.Err()
}

// PairsAfter returns up to limit records of side with seq > afterSeq, in
// (seq, id) order after the keyset (seq, id), each with its link and
// linked record. With skipOtherAbove >= 0, pairs whose linked record has a
// seq above it are left out (the other side's pass covers them).
func (s *DB) PairsAfter(ctx context.Context, syncID int64, side string, afterSeq int64, fromSeq int64, fromID string, skipOtherAbove int64, limit int) ([]PairRow, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, fmt.Errorf("store: pairs of sync %d side %s: %w", syncID, side, qerr)
	}
	q := pairSelect(side) + `
		WHERE r.sync_id = ? AND r.side = ? AND r.seq >= ? AND (r.seq, r.id) > (?, ?)
		  AND (? < 0 OR o.seq IS NULL OR o.seq <= ?)
		ORDER BY r.seq, r.id LIMIT ?`
	// The lower bound on seq alone lets the index skip the chunks already
	// walked (SQLite does not seek on the row-value comparison).
	lower := max(afterSeq+1, fromSeq)
	rows, err := s.sql.QueryContext(ctx, q, otherSide(side), syncID, side, lower, fromSeq, fromID, skipOtherAbove, skipOtherAbove, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pairs of sync %d side %s: %w", syncID, side, err)
	}
	defer rows.Close()
	out, err := scanInto(rows, make([]PairRow, 0, min(limit, 4096)), (*PairRow).dest)
	if err != nil {
		return nil, fmt.Errorf("store: pairs of sync %d side %s: %w", syncID, side, err)
	}
	return out, nil
}

// Pair returns one record with its link and linked record.
func (s *DB) Pair(ctx context.Context, syncID int64, side, id string) (PairRow, bool, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return PairRow{}, false, qerr
	}
	q := pairSelect(side) + `
		WHERE r.sync_id = ? AND r.side = ? AND r.id = ?`
	var p PairRow
	st, err := s.stmt(ctx, q)
	if err != nil {
		return p, false, fmt.Errorf("store: record %s/%s of sync %d: %w", side, id, syncID, err)
	}
	err = st.QueryRowContext(ctx, otherSide(side), syncID, side, id).Scan(p.dest(nil)...)
	if err == sql.ErrNoRows {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("store: record %s/%s of sync %d: %w", side, id, syncID, err)
	}
	return p, true, nil
}

// MergedAway returns the linked records of side indexed after seq that
// were deleted by a merge into another record (the engine keeps the record
// merged into in the field "!merged"): the links a merge may carry over.
// A sync with no links yet (its first run) has none, and is not searched.
func (s *DB) MergedAway(ctx context.Context, syncID int64, side string, afterSeq int64) ([]PairRow, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	var linked int
	if err := s.sql.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM links WHERE sync_id = ?)", syncID).Scan(&linked); err != nil || linked == 0 {
		if err != nil {
			return nil, fmt.Errorf("store: merged records of sync %d: %w", syncID, err)
		}
		return nil, nil
	}
	rows, err := s.sql.QueryContext(ctx, mergedAwayQuery(side), otherSide(side), syncID, side, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("store: merged records of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	out, err := scanInto(rows, []PairRow(nil), (*PairRow).dest)
	if err != nil {
		return nil, fmt.Errorf("store: merged records of sync %d: %w", syncID, err)
	}
	return out, nil
}

// mergedAwayQuery is MergedAway's query. It goes through the partial index
// of deleted records (schema 12); ordered by seq it would read every record
// indexed since the mark instead, through records_by_seq.
func mergedAwayQuery(side string) string {
	return pairSelect(side) + `
		WHERE r.sync_id = ? AND r.side = ? AND r.seq > ? AND r.deleted = 1 AND l.sync_id IS NOT NULL
		AND coalesce(json_extract(r.fields, '$."!merged"'), '') <> ''
		ORDER BY r.id`
}

// MergedInto maps each record of side the index holds as merged away to
// the record it was merged into ("!merged"), linked or not: a reference to
// a merged-away record (a task's contact, whose association the CRM moved
// to the survivor without touching the task) is read as a reference to
// the survivor. It reads the few deleted records through the partial
// index of deleted records (schema 12).
func (s *DB) MergedInto(ctx context.Context, syncID int64, side string) (map[string]string, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	rows, err := s.sql.QueryContext(ctx, mergedIntoQuery, syncID, side)
	if err != nil {
		return nil, fmt.Errorf("store: records merged away in sync %d: %w", syncID, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, into string
		if err := rows.Scan(&id, &into); err != nil {
			return nil, fmt.Errorf("store: records merged away in sync %d: %w", syncID, err)
		}
		out[id] = into
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: records merged away in sync %d: %w", syncID, err)
	}
	return out, nil
}

const mergedIntoQuery = `SELECT id, json_extract(fields, '$."!merged"') FROM records
	WHERE sync_id = ? AND side = ? AND deleted = 1 AND coalesce(json_extract(fields, '$."!merged"'), '') <> ''`

// KeyHit is one indexed record carrying a match key. A deleted record
// carries no keys (encodeKeys), so every hit is a live record.
type KeyHit struct {
	Key      string
	Side     string
	ID       string
	LinkedTo string // the linked record on the other side, "" when unlinked
}

// KeyHits returns every indexed record (both sides) whose key for rule is
// one of keys, ordered by key, side, id. It first applies the key log.
func (s *DB) KeyHits(ctx context.Context, syncID int64, rule int, keys []string) ([]KeyHit, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	if len(keys) == 0 {
		return nil, nil
	}
	if err := s.flushKeys(ctx, syncID); err != nil {
		return nil, fmt.Errorf("store: key index of sync %d: %w", syncID, err)
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT k.key, k.side, k.id, coalesce(la.b_id, lb.a_id, '')
		FROM record_keys k
		LEFT JOIN links la ON k.side = 'a' AND la.sync_id = k.sync_id AND la.a_id = k.id
		LEFT JOIN links lb ON k.side = 'b' AND lb.sync_id = k.sync_id AND lb.b_id = k.id
		WHERE k.sync_id = ? AND k.rule = ? AND k.key IN (SELECT value FROM json_each(?))
		ORDER BY k.key, k.side, k.id`, syncID, rule, jsonList(keys))
	if err != nil {
		return nil, fmt.Errorf("store: key lookup of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	out, err := scanInto(rows, make([]KeyHit, 0, len(keys)), func(h *KeyHit, buf []any) []any {
		return append(buf, &h.Key, &h.Side, &h.ID, &h.LinkedTo)
	})
	if err != nil {
		return nil, fmt.Errorf("store: key lookup of sync %d: %w", syncID, err)
	}
	return out, nil
}

// Records returns the indexed records of side with the given ids (those
// that exist), in one query.
func (s *DB) Records(ctx context.Context, syncID int64, side string, ids []string) ([]IndexRow, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT id, modified, deleted, fields, seq FROM records
		WHERE sync_id = ? AND side = ? AND id IN (SELECT value FROM json_each(?))`, syncID, side, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("store: records of sync %d side %s: %w", syncID, side, err)
	}
	defer rows.Close()
	out, err := scanInto(rows, make([]IndexRow, 0, len(ids)), func(r *IndexRow, buf []any) []any {
		return append(buf, &r.ID, &r.Modified, &r.Deleted, &r.Fields, &r.Seq)
	})
	if err != nil {
		return nil, fmt.Errorf("store: records of sync %d side %s: %w", syncID, side, err)
	}
	return out, nil
}

// LiveIDs lists the ids of the records of a sync side the index holds as
// not deleted.
func (s *DB) LiveIDs(ctx context.Context, syncID int64, side string) ([]string, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT id FROM records WHERE sync_id = ? AND side = ? AND deleted = 0`, syncID, side)
	if err != nil {
		return nil, fmt.Errorf("store: live ids of sync %d side %s: %w", syncID, side, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: live ids of sync %d side %s: %w", syncID, side, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TouchAmbiguousWithGone gives the records of open ambiguous items that
// name a candidate deleted after afterSeq (a merge, in either CRM) a new
// seq, with their other candidates: the plan being made matches them
// again, so two records merged into one stop holding their match in
// review. An ambiguous, unmatched or duplicate item whose own record is
// gone is closed.
func (s *DB) TouchAmbiguousWithGone(ctx context.Context, syncID int64, afterSeq map[string]int64) error {
	held := `SELECT r.side AS side, r.record_id AS id, r.detail AS detail FROM review r WHERE r.sync_id = ?1 AND r.kind = 'ambiguous' AND r.status = 'open'
		AND EXISTS (SELECT 1 FROM json_each(r.detail, '$.candidates') c JOIN records d ON d.sync_id = ?1
			AND d.side = json_extract(c.value, '$.side') AND d.id = json_extract(c.value, '$.id')
			WHERE d.deleted = 1 AND d.seq > CASE d.side WHEN 'a' THEN ?3 ELSE ?4 END)`
	for _, side := range []string{"a", "b"} {
		if _, err := s.sql.ExecContext(ctx, touchRecords+`(SELECT id FROM (`+held+`) WHERE side = ?2
			UNION SELECT json_extract(c.value, '$.id') FROM (`+held+`) h, json_each(h.detail, '$.candidates') c WHERE json_extract(c.value, '$.side') = ?2)`,
			syncID, side, afterSeq["a"], afterSeq["b"]); err != nil {
			return fmt.Errorf("store: touch the records of ambiguous items of sync %d whose candidate is gone: %w", syncID, err)
		}
	}
	// An item about matching (or creating, a likely duplicate) a record
	// that is gone (deleted, or merged into another record, which is
	// matched on its own) asks about nothing now.
	if _, err := s.sql.ExecContext(ctx, `UPDATE review SET status = 'done' WHERE sync_id = ?1 AND kind IN ('ambiguous', 'unmatched', 'duplicate') AND status = 'open'
		AND EXISTS (SELECT 1 FROM records d WHERE d.sync_id = ?1 AND d.side = review.side AND d.id = review.record_id AND d.deleted = 1
			AND d.seq > CASE d.side WHEN 'a' THEN ?2 ELSE ?3 END)`, syncID, afterSeq["a"], afterSeq["b"]); err != nil {
		return fmt.Errorf("store: close the ambiguous, unmatched and duplicate items of sync %d whose record is gone: %w", syncID, err)
	}
	return nil
}
