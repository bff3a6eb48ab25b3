package store

import (
	"context"
	"fmt"
)

// LinkRow is one stored link with its base snapshot.
type LinkRow struct {
	AID, BID  string
	Base      string // JSON object: mapping row key -> canonical value
	CreatedBy string // "a"/"b": the side crmsync created; "" = matched
}

// Links lists a sync's links ordered by A id.
func (s *DB) Links(ctx context.Context, syncID int64) ([]LinkRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT a_id, b_id, base, created_by FROM links WHERE sync_id = ? ORDER BY a_id", syncID)
	if err != nil {
		return nil, fmt.Errorf("store: links of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []LinkRow
	for rows.Next() {
		var l LinkRow
		if err := rows.Scan(&l.AID, &l.BID, &l.Base, &l.CreatedBy); err != nil {
			return nil, fmt.Errorf("store: links of sync %d: %w", syncID, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
