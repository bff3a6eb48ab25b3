package store

import (
	"context"
	"database/sql"
	"fmt"
)

// RefWait is a record whose reference (RefID, through sync RefSync) was
// not linked when it was last planned.
type RefWait struct {
	Side, RecordID string
	RefSync, RefID string
}

// RecordRef names one record of a sync side.
type RecordRef struct{ Side, ID string }

// RefWaits returns every reference of a sync waiting for a link.
func (s *DB) RefWaits(ctx context.Context, syncID int64) ([]RefWait, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT side, record_id, ref_sync, ref_id FROM ref_waits WHERE sync_id = ? ORDER BY side, record_id, ref_sync, ref_id`, syncID)
	if err != nil {
		return nil, fmt.Errorf("store: references waiting of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []RefWait
	for rows.Next() {
		var w RefWait
		if err := rows.Scan(&w.Side, &w.RecordID, &w.RefSync, &w.RefID); err != nil {
			return nil, fmt.Errorf("store: references waiting of sync %d: %w", syncID, err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: references waiting of sync %d: %w", syncID, err)
	}
	return out, nil
}

// ReplaceRefWaits drops every wait of the records in clear, then adds add,
// in one transaction: a record planned again keeps only the references
// that are still not linked.
func (s *DB) ReplaceRefWaits(ctx context.Context, syncID int64, clear []RecordRef, add []RefWait) error {
	if len(clear) == 0 && len(add) == 0 {
		return nil
	}
	return s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range clear {
			if _, err := tx.ExecContext(ctx, `DELETE FROM ref_waits WHERE sync_id = ? AND side = ? AND record_id = ?`, syncID, r.Side, r.ID); err != nil {
				return fmt.Errorf("store: clear references waiting of sync %d record %s:%s: %w", syncID, r.Side, r.ID, err)
			}
		}
		for _, w := range add {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO ref_waits(sync_id, side, record_id, ref_sync, ref_id) VALUES (?, ?, ?, ?, ?)`,
				syncID, w.Side, w.RecordID, w.RefSync, w.RefID); err != nil {
				return fmt.Errorf("store: reference waiting of sync %d record %s:%s: %w", syncID, w.Side, w.RecordID, err)
			}
		}
		return nil
	})
}

// RefWaitCounts counts a sync's references waiting for a link, by the sync
// they wait for.
func (s *DB) RefWaitCounts(ctx context.Context, syncID int64) (map[string]int, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT ref_sync, count(*) FROM ref_waits WHERE sync_id = ? GROUP BY ref_sync`, syncID)
	if err != nil {
		return nil, fmt.Errorf("store: references waiting of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, fmt.Errorf("store: references waiting of sync %d: %w", syncID, err)
		}
		out[name] = n
	}
	return out, rows.Err()
}
