package store

import (
	"context"
	"fmt"
)

// PairsOf returns the records of side with the given ids (those indexed),
// each with its link and linked record, in one query: an undo looks up a
// page of 500 records at once instead of one Pair query each.
func (s *DB) PairsOf(ctx context.Context, syncID int64, side string, ids []string) ([]PairRow, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q := pairSelect(side) + `
		WHERE r.sync_id = ? AND r.side = ? AND r.id IN (SELECT value FROM json_each(?))`
	rows, err := s.sql.QueryContext(ctx, q, otherSide(side), syncID, side, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("store: records of sync %d side %s: %w", syncID, side, err)
	}
	defer rows.Close()
	out, err := scanInto(rows, make([]PairRow, 0, len(ids)), (*PairRow).dest)
	if err != nil {
		return nil, fmt.Errorf("store: records of sync %d side %s: %w", syncID, side, err)
	}
	return out, nil
}
