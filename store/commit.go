package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrLinkClash means a link would break the one-to-one rule.
var ErrLinkClash = errors.New("link clash: a record is already linked to another record")

// LinkWrite creates a link or merges base values into an existing one.
type LinkWrite struct {
	AID, BID  string
	Base      map[string]string // row key -> canonical value, merged into the stored base
	CreatedBy string            // "a" or "b" when crmsync created that side's record
}

// IndexWrite replaces what the index knows about one record after a write.
type IndexWrite struct {
	Side     string
	ID       string
	Modified int64
	Deleted  bool
	Fields   map[string]string
	Keys     []RecordKey
}

// Commit is everything one batch changes in the store. It is applied in ONE
// transaction so links, base, index, audit and queues never disagree.
type Commit struct {
	SyncID      int64
	RunID       int64
	Links       []LinkWrite
	Unlinks     []string // a ids whose link is dropped (approved deletes)
	Index       []IndexWrite
	Audit       []AuditRow
	Errors      []RunErrorRow
	Retry       []RetryRow  // failures: queued or bumped with back-off
	RetryDone   []RetryKey  // successes: dropped from the queue
	JournalDone []int64     // journal rows whose batch is fully recorded
	Reviews     []ReviewRow // items added (or refreshed while open)
	ReviewDone  []int64     // decided items whose decision took effect
}

// Empty reports whether c changes nothing.
func (c Commit) Empty() bool {
	return len(c.Links)+len(c.Unlinks)+len(c.Index)+len(c.Audit)+len(c.Errors)+len(c.Retry)+len(c.RetryDone)+len(c.JournalDone)+len(c.Reviews)+len(c.ReviewDone) == 0
}

// Commit applies c in one transaction.
func (s *DB) Commit(ctx context.Context, c Commit) error {
	if c.Empty() {
		return nil
	}
	now := s.nowMS()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := commitLinks(ctx, tx, c, now); err != nil {
			return err
		}
		if err := commitIndex(ctx, tx, c.SyncID, c.Index); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, c.RunID, c.Audit, now); err != nil {
			return err
		}
		if err := insertRunErrors(ctx, tx, c.RunID, c.Errors, now); err != nil {
			return err
		}
		if err := upsertRetries(ctx, tx, c.SyncID, c.Retry, now); err != nil {
			return err
		}
		for _, k := range c.RetryDone {
			if _, err := tx.ExecContext(ctx, "DELETE FROM retry_queue WHERE sync_id = ? AND side = ? AND record_id = ?", c.SyncID, k.Side, k.RecordID); err != nil {
				return err
			}
		}
		for _, id := range c.JournalDone {
			if _, err := tx.ExecContext(ctx, "UPDATE journal SET state = 'done' WHERE id = ?", id); err != nil {
				return err
			}
		}
		if err := addReviews(ctx, tx, c.SyncID, c.Reviews, now); err != nil {
			return err
		}
		for _, id := range c.ReviewDone {
			if _, err := tx.ExecContext(ctx, "UPDATE review SET status = 'done' WHERE id = ? AND sync_id = ?", id, c.SyncID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: commit batch of sync %d run %d: %w", c.SyncID, c.RunID, err)
	}
	return nil
}

func commitLinks(ctx context.Context, tx *sql.Tx, c Commit, now int64) error {
	for _, a := range c.Unlinks {
		if _, err := tx.ExecContext(ctx, "DELETE FROM links WHERE sync_id = ? AND a_id = ?", c.SyncID, a); err != nil {
			return err
		}
	}
	if len(c.Links) == 0 {
		return nil
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO links(sync_id, a_id, b_id, base, created_by, updated_at) VALUES(?,?,?,?,?,?)
		ON CONFLICT(sync_id, a_id) DO UPDATE SET base = json_patch(links.base, excluded.base), updated_at = excluded.updated_at
		WHERE links.b_id = excluded.b_id`)
	if err != nil {
		return err
	}
	defer up.Close()
	// Most commits happen with no matching item open: skip the per-link
	// close then.
	var anyOpen bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM review WHERE sync_id = ? AND status = 'open'
		AND kind IN ('unmatched', 'ambiguous'))`, c.SyncID).Scan(&anyOpen); err != nil {
		return err
	}
	closeReviews, err := tx.PrepareContext(ctx, `UPDATE review SET status = 'done' WHERE sync_id = ? AND status = 'open'
		AND kind IN ('unmatched', 'ambiguous') AND ((side = 'a' AND record_id = ?) OR (side = 'b' AND record_id = ?))`)
	if err != nil {
		return err
	}
	defer closeReviews.Close()
	for _, l := range c.Links {
		base, err := encodeFields(l.Base)
		if err != nil {
			return err
		}
		res, err := up.ExecContext(ctx, c.SyncID, l.AID, l.BID, base, l.CreatedBy, now)
		if err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: a %s / b %s", ErrLinkClash, l.AID, l.BID)
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: a %s / b %s", ErrLinkClash, l.AID, l.BID)
		}
		if !anyOpen {
			continue
		}
		if _, err := closeReviews.ExecContext(ctx, c.SyncID, l.AID, l.BID); err != nil {
			return err
		}
	}
	return nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func commitIndex(ctx context.Context, tx *sql.Tx, syncID int64, ws []IndexWrite) error {
	if len(ws) == 0 {
		return nil
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO records(sync_id, side, id, modified, deleted, fields, seq) VALUES(?,?,?,?,?,?,0)
		ON CONFLICT(sync_id, side, id) DO UPDATE SET modified = max(records.modified, excluded.modified), deleted = excluded.deleted, fields = excluded.fields`)
	if err != nil {
		return err
	}
	defer up.Close()
	del, err := tx.PrepareContext(ctx, "DELETE FROM record_keys WHERE sync_id = ? AND side = ? AND id = ?")
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, "INSERT OR IGNORE INTO record_keys(sync_id, rule, key, side, id) VALUES(?,?,?,?,?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, w := range ws {
		f, err := encodeFields(w.Fields)
		if err != nil {
			return err
		}
		if _, err := up.ExecContext(ctx, syncID, w.Side, w.ID, w.Modified, w.Deleted, f); err != nil {
			return err
		}
		if _, err := del.ExecContext(ctx, syncID, w.Side, w.ID); err != nil {
			return err
		}
		if w.Deleted {
			continue
		}
		for _, k := range w.Keys {
			if _, err := ins.ExecContext(ctx, syncID, k.Rule, k.Key, w.Side, w.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
