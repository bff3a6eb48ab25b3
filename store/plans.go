package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
)

// PlanItem is one write, link or review item of a stored plan.
type PlanItem struct {
	ID   int64  // its position, for paging: the chunk's id and the item's index in it
	Kind string // create | update | link | review
	Side string // the side written; "" for links
	Item string // encoded by the engine
}

// Items are stored chunkItems to a row (plan_chunks); an item's ID is its
// chunk's id shifted left by chunkShift, plus its index in the chunk.
const (
	chunkItems = 256
	chunkShift = 20
)

// NewPlan registers a plan of a sync and returns its id. Plans of the same
// sync made before the sync's newest run (lastRun) are stale and dropped,
// unless a run of the sync is open: it pages its own plan's items as it
// writes (a preview beside a scheduled run would cut its writes short).
func (s *DB) NewPlan(ctx context.Context, syncID, lastRun int64) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM plans WHERE sync_id = ? AND last_run < ?
			AND NOT EXISTS (SELECT 1 FROM runs WHERE sync_id = ? AND status = 'running')`, syncID, lastRun, syncID); err != nil {
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

// AddPlanItems stores items of a plan in one transaction, in chunks of one
// kind and side that keep the items' order.
func (s *DB) AddPlanItems(ctx context.Context, planID int64, items []PlanItem) error {
	if len(items) == 0 {
		return nil
	}
	type chunk struct {
		kind, side string
		n          int
		items      []byte
	}
	var chunks []*chunk
	open := map[[2]string]*chunk{}
	left := map[[2]string]int{} // items of each kind and side not yet chunked
	for _, it := range items {
		left[[2]string{it.Kind, it.Side}]++
	}
	for _, it := range items {
		k := [2]string{it.Kind, it.Side}
		c := open[k]
		if c == nil || c.n == chunkItems {
			// Items of one kind are alike in size: sizing the chunk from
			// its first item saves regrowing it by copies.
			c = &chunk{kind: it.Kind, side: it.Side, items: make([]byte, 0, min(chunkItems, left[k])*(len(it.Item)+4)*5/4)}
			open[k] = c
			chunks = append(chunks, c)
		}
		c.items = binary.AppendUvarint(c.items, uint64(len(it.Item)))
		c.items = append(c.items, it.Item...)
		c.n++
		left[k]--
	}
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.multiRow(ctx, tx, "INSERT OR FAIL INTO plan_chunks(plan_id, kind, side, n, items) VALUES ", "", 5, len(chunks),
			func(i int, dst []any) []any {
				c := chunks[i]
				return append(dst, planID, c.kind, c.side, c.n, c.items)
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
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT id, n, items FROM plan_chunks
		WHERE plan_id = ? AND kind = ? AND side = ? AND id >= ? ORDER BY id`, planID, kind, side, afterID>>chunkShift)
	if err != nil {
		return nil, fmt.Errorf("store: items of plan %d: %w", planID, err)
	}
	defer rows.Close()
	var out []PlanItem
	for len(out) < limit && rows.Next() {
		var chunkID int64
		var n int
		var b sql.RawBytes // the driver's copy, read before the next row: each item is copied out once
		if err := rows.Scan(&chunkID, &n, &b); err != nil {
			return nil, fmt.Errorf("store: items of plan %d: %w", planID, err)
		}
		for i := 0; i < n && len(out) < limit; i++ {
			size, k := binary.Uvarint(b)
			if k <= 0 || uint64(len(b)-k) < size {
				return nil, fmt.Errorf("store: items of plan %d: chunk %d is damaged at item %d", planID, chunkID, i)
			}
			item := string(b[k : k+int(size)])
			b = b[k+int(size):]
			if id := chunkID<<chunkShift | int64(i); id > afterID {
				out = append(out, PlanItem{ID: id, Kind: kind, Side: side, Item: item})
			}
		}
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
