package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// ErrLinkClash means a link would break the one-to-one rule.
var ErrLinkClash = errors.New("link clash: a record is already linked to another record")

// A commit's links, index rows and audit carry their values as the JSON
// text the store writes (EncodeFields, NewAuditRecord), not as maps: the
// engine holds thousands of them in a commit group while the CRMs answer,
// and as maps they were a third of its live heap, all of it pointers for
// the collector to scan at every cycle (BENCHMARKS.md, fix 41).

// LinkWrite creates a link or merges base values into an existing one.
type LinkWrite struct {
	AID, BID  string
	Base      string // EncodeFields of row key -> canonical value, merged into the stored base; "" = none
	CreatedBy string // "a" or "b" when crmsync created that side's record
	// New says no link of AID is expected to be stored (one the plan made,
	// or a created record's): it is inserted without looking first. If one
	// is, the commit takes the checked path; nothing else changes.
	New bool
}

// IndexWrite replaces what the index knows about one record after a write.
type IndexWrite struct {
	Side     string
	ID       string
	Modified int64
	Deleted  bool
	Fields   string // EncodeFields of the fields; "" = none
	Keys     []RecordKey
	// New says the record is not expected to be indexed yet (crmsync just
	// created it), as LinkWrite.New.
	New bool
}

// Commit is everything one batch changes in the store. It is applied in ONE
// transaction so links, base, index, audit and queues never disagree.
type Commit struct {
	SyncID      int64
	RunID       int64
	Links       []LinkWrite
	Unlinks     []string // a ids whose link is dropped (approved deletes)
	Index       []IndexWrite
	Audit       []AuditRecord
	Errors      []RunErrorRow
	Retry       []RetryRow  // failures: queued or bumped with back-off
	RetryDone   []RetryKey  // successes: dropped from the queue
	JournalDone []int64     // journal rows whose batch is fully recorded
	Reviews     []ReviewRow // items added (or refreshed while open)
	ReviewDone  []int64     // decided items whose decision took effect
	// ReviewOpen are decided items put back in review, their decision
	// dropped (what it was about changed since); an item about the same
	// subject in Reviews then refreshes them.
	ReviewOpen []int64
	// AddCreated and AddUpdated count the records RunID wrote that this
	// commit stores: a batch's successes as they commit, or the writes of a
	// batch whose journal a stop, a kill or a timeout left pending and a
	// later plan found in place. They are added to that run's counts in
	// the same transaction, so History's numbers agree with its audit even
	// for a run killed before it finished.
	AddCreated, AddUpdated int
}

// Empty reports whether c changes nothing.
func (c Commit) Empty() bool {
	return len(c.Links)+len(c.Unlinks)+len(c.Index)+len(c.Audit)+len(c.Errors)+len(c.Retry)+len(c.RetryDone)+len(c.JournalDone)+len(c.Reviews)+len(c.ReviewDone)+len(c.ReviewOpen)+c.AddCreated+c.AddUpdated == 0
}

// Commit applies c in one transaction.
func (s *DB) Commit(ctx context.Context, c Commit) error {
	if c.Empty() {
		return nil
	}
	now := s.nowMS()
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.commitLinks(ctx, tx, c, now); err != nil {
			return err
		}
		if err := s.commitIndex(ctx, tx, c.SyncID, c.Index); err != nil {
			return err
		}
		if err := s.insertAudit(ctx, tx, c.RunID, c.Audit, now); err != nil {
			return err
		}
		if err := insertRunErrors(ctx, tx, c.RunID, c.Errors, now); err != nil {
			return err
		}
		if err := addRunCounts(ctx, tx, c); err != nil {
			return err
		}
		if err := upsertRetries(ctx, tx, c.SyncID, c.Retry, now); err != nil {
			return err
		}
		done := idsBySide(len(c.RetryDone), func(i int) (string, string) { return c.RetryDone[i].Side, c.RetryDone[i].RecordID })
		for _, side := range []string{"a", "b"} {
			if len(done[side]) == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM retry_queue WHERE sync_id = ? AND side = ? AND record_id IN (SELECT value FROM json_each(?))",
				c.SyncID, side, jsonList(done[side])); err != nil {
				return err
			}
		}
		// A settled batch's row is deleted, not marked: nothing reads a done
		// row again, and rewriting its batch JSON (tens of KB for a create
		// batch) to flip one column cost as much as writing it.
		for _, id := range c.JournalDone {
			if _, err := tx.ExecContext(ctx, "DELETE FROM journal WHERE id = ?", id); err != nil {
				return err
			}
		}
		for _, id := range c.ReviewOpen {
			if _, err := tx.ExecContext(ctx, "UPDATE review SET status = 'open', decision = '{}', decided_at = 0 WHERE id = ? AND sync_id = ? AND status = 'decided'", id, c.SyncID); err != nil {
				return err
			}
		}
		if err := addReviews(ctx, tx, c.SyncID, c.Reviews, now); err != nil {
			return err
		}
		var dups []int64
		for _, id := range c.ReviewDone {
			var kind string
			switch err := tx.QueryRowContext(ctx, "UPDATE review SET status = 'done' WHERE id = ? AND sync_id = ? RETURNING kind", id, c.SyncID).Scan(&kind); {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			case kind == "duplicate":
				dups = append(dups, id)
			}
		}
		return touchDuplicateCandidates(ctx, tx, c.SyncID, dups)
	})
	if err != nil {
		return fmt.Errorf("store: commit batch of sync %d run %d: %w", c.SyncID, c.RunID, err)
	}
	return nil
}

func (s *DB) commitLinks(ctx context.Context, tx *sql.Tx, c Commit, now int64) error {
	if len(c.Unlinks) > 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM links WHERE sync_id = ? AND a_id IN (SELECT value FROM json_each(?))", c.SyncID, jsonList(c.Unlinks)); err != nil {
			return err
		}
	}
	if len(c.Links) == 0 {
		return nil
	}
	bases := make([]string, len(c.Links))
	for i, l := range c.Links {
		bases[i] = orEmptyObject(l.Base)
	}
	row := func(i int, dst []any) []any {
		l := c.Links[i]
		return append(dst, c.SyncID, l.AID, l.BID, bases[i], l.CreatedBy, now)
	}
	const into = "links(sync_id, a_id, b_id, base, created_by, updated_at) VALUES "
	key := func(i int) string { return c.Links[i].AID }
	order := keyOrder(len(c.Links), key)
	expected, checked := splitExpected(order, key, func(i int) bool { return c.Links[i].New })
	inserted, err := s.insertExpectedNew(ctx, tx, "links", into, 6, expected, row)
	if err != nil {
		return err
	}
	n := int64(len(expected))
	if !inserted {
		checked, n = order, 0
	}
	if len(checked) > 0 {
		// An existing link is only updated when it joins the same pair;
		// every row must therefore count as affected, or one clashed.
		aIDs := make([]string, len(checked))
		for j, i := range checked {
			aIDs[j] = c.Links[i].AID
		}
		linked, err := s.linkedAIDs(ctx, tx, c.SyncID, aIDs)
		if err != nil {
			return err
		}
		fresh, rest := splitFresh(checked, key, func(i int) bool { return linked[key(i)] })
		m, err := s.insertOrUpsert(ctx, tx, into,
			` ON CONFLICT(sync_id, a_id) DO UPDATE SET base = json_patch(links.base, excluded.base), updated_at = excluded.updated_at
			WHERE links.b_id = excluded.b_id`, 6, fresh, rest, row)
		if err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: %s", ErrLinkClash, clashing(ctx, tx, c))
			}
			return err
		}
		n += m
	}
	if n != int64(len(c.Links)) {
		return fmt.Errorf("%w: %s", ErrLinkClash, clashing(ctx, tx, c))
	}
	ids := idsBySide(len(c.Links)*2, func(i int) (string, string) {
		if i%2 == 0 {
			return "a", c.Links[i/2].AID
		}
		return "b", c.Links[i/2].BID
	})
	return closeLinkedReviews(ctx, tx, c.SyncID, ids)
}

// closeLinkedReviews marks done the open unmatched, ambiguous and duplicate items
// about the records just linked (ids by side): one statement per side
// through review_by_subject. (A per-link UPDATE scanned every open item:
// 146 s of a 100k first sync. Reading the open items and comparing them
// here cost as much as these probes, BENCHMARKS.md, fix 45.)
func closeLinkedReviews(ctx context.Context, tx *sql.Tx, syncID int64, ids map[string][]string) error {
	for _, side := range []string{"a", "b"} {
		if len(ids[side]) == 0 {
			continue
		}
		rows, err := tx.QueryContext(ctx, `UPDATE review SET status = 'done' WHERE sync_id = ? AND side = ?
			AND record_id IN (SELECT value FROM json_each(?)) AND status = 'open' AND kind IN ('unmatched', 'ambiguous', 'duplicate')
			RETURNING id, kind`, syncID, side, jsonList(ids[side]))
		if err != nil {
			return err
		}
		var dups []int64
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return err
			}
			if kind == "duplicate" {
				dups = append(dups, id)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if err := touchDuplicateCandidates(ctx, tx, syncID, dups); err != nil {
			return err
		}
	}
	return nil
}

// touchDuplicateCandidates gives the candidates of duplicate items just
// closed a new seq (as TouchRecords): held while the item was open, they
// are planned again on the next run whether or not they changed.
func touchDuplicateCandidates(ctx context.Context, tx *sql.Tx, syncID int64, items []int64) error {
	if len(items) == 0 {
		return nil
	}
	list := make([]string, len(items))
	for i, id := range items {
		list[i] = strconv.FormatInt(id, 10)
	}
	for _, side := range []string{"a", "b"} {
		if _, err := tx.ExecContext(ctx, touchRecords+`(SELECT json_extract(c.value, '$.id') FROM review r, json_each(r.detail, '$.candidates') c
			WHERE r.sync_id = ?1 AND r.id IN (SELECT value FROM json_each(?3)) AND json_extract(c.value, '$.side') = ?2)`,
			syncID, side, "["+strings.Join(list, ",")+"]"); err != nil {
			return fmt.Errorf("touch the candidates of duplicate items %v: %w", items, err)
		}
	}
	return nil
}

// linkedAIDs returns which of ids already have a link.
func (s *DB) linkedAIDs(ctx context.Context, tx *sql.Tx, syncID int64, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.eachRow(ctx, tx, "SELECT a_id FROM links WHERE sync_id = ? AND a_id IN (SELECT value FROM json_each(?))",
		[]any{syncID, jsonList(ids)}, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	return out, err
}

// clashing names the first link of c that the stored links contradict
// (for the error message only).
func clashing(ctx context.Context, tx *sql.Tx, c Commit) string {
	for _, l := range c.Links {
		var a, b string
		err := tx.QueryRowContext(ctx, "SELECT a_id, b_id FROM links WHERE sync_id = ? AND (a_id = ? OR b_id = ?) AND NOT (a_id = ? AND b_id = ?)",
			c.SyncID, l.AID, l.BID, l.AID, l.BID).Scan(&a, &b)
		if err == nil {
			return fmt.Sprintf("a %s / b %s (stored: a %s / b %s)", l.AID, l.BID, a, b)
		}
	}
	return fmt.Sprintf("one of %d links", len(c.Links))
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (s *DB) commitIndex(ctx context.Context, tx *sql.Tx, syncID int64, ws []IndexWrite) error {
	if len(ws) == 0 {
		return nil
	}
	fields := make([]string, len(ws))
	keyed := make([]keyedRecord, len(ws))
	for i, w := range ws {
		fields[i] = orEmptyObject(w.Fields)
		keyed[i] = newKeyed(w.Side, w.ID, w.Deleted, w.Keys)
	}
	row := func(i int, dst []any) []any {
		w := ws[i]
		return append(dst, syncID, w.Side, w.ID, w.Modified, w.Deleted, fields[i], 0, keyed[i].keys)
	}
	const into = "records(sync_id, side, id, modified, deleted, fields, seq, keys) VALUES "
	key := func(i int) string { return ws[i].Side + "\x00" + ws[i].ID }
	order := keyOrder(len(ws), key)
	expected, checked := splitExpected(order, key, func(i int) bool { return ws[i].New })
	inserted, err := s.insertExpectedNew(ctx, tx, "records", into, 8, expected, row)
	if err != nil {
		return err
	}
	if !inserted {
		checked = order
	}
	old, exists, err := s.storedIndex(ctx, tx, syncID, ws, checked)
	if err != nil {
		return err
	}
	fresh, rest := splitFresh(checked, key, func(i int) bool { return exists[key(i)] })
	_, err = s.insertOrUpsert(ctx, tx, into,
		" ON CONFLICT(sync_id, side, id) DO UPDATE SET modified = max(records.modified, excluded.modified), deleted = excluded.deleted, fields = excluded.fields, keys = excluded.keys",
		8, fresh, rest, row)
	if err != nil {
		return err
	}
	return s.replaceKeys(ctx, tx, syncID, old, keyed)
}

// storedIndex returns the stored keys (storedKeyColumns) and the
// "side\x00id" of the records among ws at positions that are indexed.
func (s *DB) storedIndex(ctx context.Context, tx *sql.Tx, syncID int64, ws []IndexWrite, positions []int) (map[sideID]string, map[string]bool, error) {
	old := map[sideID]string{}
	exists := map[string]bool{}
	ids := idsBySide(len(positions), func(j int) (string, string) { return ws[positions[j]].Side, ws[positions[j]].ID })
	for _, side := range []string{"a", "b"} {
		if len(ids[side]) == 0 {
			continue
		}
		stored, err := s.storedRows(ctx, tx, syncID, side, ids[side])
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(old, storedKeyColumns(side, stored))
		for id := range stored {
			exists[side+"\x00"+id] = true
		}
	}
	return old, exists, nil
}

// orEmptyObject reads "" as the empty JSON object.
func orEmptyObject(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

// addRunCounts adds c's writes to its run's counts.
func addRunCounts(ctx context.Context, tx *sql.Tx, c Commit) error {
	if c.AddCreated+c.AddUpdated == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE runs SET created = created + ?, updated = updated + ? WHERE id = ?", c.AddCreated, c.AddUpdated, c.RunID)
	return err
}
