package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SideState is what the store remembers per sync side between runs.
type SideState struct {
	Cursor  string // read cursor, stored only after its page was indexed
	DoneSeq int64  // records with a higher seq have not been planned and applied yet
	MaxSeq  int64  // highest seq in the index
	Count   int    // records in the index that are not deleted
}

// SideState returns the cursor, seq marks and record count of one side.
func (s *DB) SideState(ctx context.Context, syncID int64, side string) (SideState, error) {
	var st SideState
	err := s.sql.QueryRowContext(ctx, "SELECT cursor, done_seq FROM cursors WHERE sync_id = ? AND side = ?", syncID, side).Scan(&st.Cursor, &st.DoneSeq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("store: cursor of sync %d side %s: %w", syncID, side, err)
	}
	err = s.sql.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0), coalesce(sum(deleted = 0), 0) FROM records WHERE sync_id = ? AND side = ?`, syncID, side).Scan(&st.MaxSeq, &st.Count)
	if err != nil {
		return st, fmt.Errorf("store: index state of sync %d side %s: %w", syncID, side, err)
	}
	return st, nil
}

// SetDoneSeq records that every record up to seq was planned and applied.
// It never moves backwards.
func (s *DB) SetDoneSeq(ctx context.Context, syncID int64, side string, seq int64) error {
	_, err := s.sql.ExecContext(ctx, `INSERT INTO cursors(sync_id, side, cursor, done_seq, updated_at) VALUES(?,?,'',?,?)
		ON CONFLICT(sync_id, side) DO UPDATE SET done_seq = max(done_seq, excluded.done_seq), updated_at = excluded.updated_at`,
		syncID, side, seq, s.nowMS())
	if err != nil {
		return fmt.Errorf("store: done seq of sync %d side %s: %w", syncID, side, err)
	}
	return nil
}

// DeletesSince returns where side's last listing of deleted records
// reached, or the zero time if it was never listed.
func (s *DB) DeletesSince(ctx context.Context, syncID int64, side string) (time.Time, error) {
	var ms int64
	err := s.sql.QueryRowContext(ctx, "SELECT deletes_since FROM cursors WHERE sync_id = ? AND side = ?", syncID, side).Scan(&ms)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("store: deletes listed of sync %d side %s: %w", syncID, side, err)
	}
	if ms == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms).UTC(), nil
}

// SetDeletesSince records where side's listing of deleted records reached.
// It never moves backwards.
func (s *DB) SetDeletesSince(ctx context.Context, syncID int64, side string, t time.Time) error {
	_, err := s.sql.ExecContext(ctx, `INSERT INTO cursors(sync_id, side, cursor, deletes_since, updated_at) VALUES(?,?,'',?,?)
		ON CONFLICT(sync_id, side) DO UPDATE SET deletes_since = max(deletes_since, excluded.deletes_since), updated_at = excluded.updated_at`,
		syncID, side, t.UnixMilli(), s.nowMS())
	if err != nil {
		return fmt.Errorf("store: deletes listed of sync %d side %s: %w", syncID, side, err)
	}
	return nil
}

// ResetSync forgets the index, cursors and links of a sync (used when its
// sides change); runs and audit stay.
func (s *DB) ResetSync(ctx context.Context, syncID int64) error {
	return s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range []string{"records", "record_keys", "key_log", "cursors", "links", "retry_queue", "journal", "ref_waits"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE sync_id = ?", syncID); err != nil {
				return fmt.Errorf("store: reset sync %d: %s: %w", syncID, t, err)
			}
		}
		// The runs so far wrote to the old sides: none is undone on the new.
		if _, err := tx.ExecContext(ctx, "UPDATE syncs SET sides_from_run = (SELECT coalesce(max(id), 0) FROM runs WHERE sync_id = ?1) WHERE id = ?1", syncID); err != nil {
			return fmt.Errorf("store: reset sync %d: runs before it: %w", syncID, err)
		}
		return nil
	})
}
