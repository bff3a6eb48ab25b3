package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PlanItem is one write or link of a stored plan.
type PlanItem struct {
	ID   int64  // insertion order, the position for paging
	Kind string // create | update | link
	Side string // the side written; "" for links
	Key  string // the source id of a create, the record id of an update, the A id of a link
	Item string // JSON owned by the engine
}

// NewPlan registers a plan of a sync and returns its id. Plans of the same
// sync made before the sync's newest run (lastRun) are stale and dropped.
func (s *DB) NewPlan(ctx context.Context, syncID, lastRun int64) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM plans WHERE sync_id = ? AND last_run < ?", syncID, lastRun); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "INSERT INTO plans(sync_id, last_run, created_at) VALUES(?,?,?) RETURNING id",
			syncID, lastRun, s.nowMS()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: new plan of sync %d: %w", syncID, err)
	}
	return id, nil
}

// AddPlanItems stores items of a plan in one transaction.
func (s *DB) AddPlanItems(ctx context.Context, planID int64, items []PlanItem) error {
	if len(items) == 0 {
		return nil
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := s.multiRow(ctx, tx, "INSERT INTO plan_items(plan_id, kind, side, sort_key, item) VALUES ", "", 5, len(items),
			func(i int, dst []any) []any {
				it := items[i]
				return append(dst, planID, it.Kind, it.Side, it.Key, it.Item)
			})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: items of plan %d: %w", planID, err)
	}
	return nil
}

// PlanItems returns up to limit items of one kind and side of a plan in
// the order they were added, after item afterID; start with 0.
func (s *DB) PlanItems(ctx context.Context, planID int64, kind, side string, afterID int64, limit int) ([]PlanItem, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT id, kind, side, sort_key, item FROM plan_items
		WHERE plan_id = ? AND kind = ? AND side = ? AND id > ?
		ORDER BY id LIMIT ?`, planID, kind, side, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: items of plan %d: %w", planID, err)
	}
	defer rows.Close()
	var out []PlanItem
	for rows.Next() {
		var it PlanItem
		if err := rows.Scan(&it.ID, &it.Kind, &it.Side, &it.Key, &it.Item); err != nil {
			return nil, fmt.Errorf("store: items of plan %d: %w", planID, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// PlanExists reports whether a plan is still stored (not applied, not
// purged as stale).
func (s *DB) PlanExists(ctx context.Context, planID int64) (bool, error) {
	var one int
	err := s.sql.QueryRowContext(ctx, "SELECT 1 FROM plans WHERE id = ?", planID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: plan %d: %w", planID, err)
	}
	return true, nil
}

// DropPlan deletes a plan and its items.
func (s *DB) DropPlan(ctx context.Context, planID int64) error {
	if _, err := s.sql.ExecContext(ctx, "DELETE FROM plans WHERE id = ?", planID); err != nil {
		return fmt.Errorf("store: drop plan %d: %w", planID, err)
	}
	return nil
}
