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

// LinkIDs returns a sync's links as A id -> B id, without their bases: what
// another sync needs to translate references through them. A link whose
// record the index holds as deleted on either side is left out: a
// reference through it would point at a record in the recycle bin, which
// the vendor refuses (Salesforce: ENTITY_IS_DELETED), so it waits instead,
// as one to a record not linked yet does.
func (s *DB) LinkIDs(ctx context.Context, syncID int64) (map[string]string, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT a_id, b_id FROM links l WHERE sync_id = ?
		AND NOT EXISTS (SELECT 1 FROM records WHERE sync_id = l.sync_id AND side = 'a' AND id = l.a_id AND deleted = 1)
		AND NOT EXISTS (SELECT 1 FROM records WHERE sync_id = l.sync_id AND side = 'b' AND id = l.b_id AND deleted = 1)`, syncID)
	if err != nil {
		return nil, fmt.Errorf("store: link ids of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return nil, fmt.Errorf("store: link ids of sync %d: %w", syncID, err)
		}
		out[a] = b
	}
	return out, rows.Err()
}
