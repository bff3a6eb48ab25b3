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

// LinkRef is one link as another sync translates references through it:
// the two ids, and whether the index holds either record as deleted.
type LinkRef struct {
	A, B         string
	DeadA, DeadB bool
}

// LinkIDs returns a sync's links without their bases: what another sync
// needs to translate references through them. A reference must not be
// written to a record the vendor holds as deleted (Salesforce refuses one
// in its recycle bin with ENTITY_IS_DELETED), so each link says whether
// either record is deleted in the index.
func (s *DB) LinkIDs(ctx context.Context, syncID int64) ([]LinkRef, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return nil, qerr
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT a_id, b_id,
		EXISTS (SELECT 1 FROM records WHERE sync_id = l.sync_id AND side = 'a' AND id = l.a_id AND deleted = 1),
		EXISTS (SELECT 1 FROM records WHERE sync_id = l.sync_id AND side = 'b' AND id = l.b_id AND deleted = 1)
		FROM links l WHERE sync_id = ?`, syncID)
	if err != nil {
		return nil, fmt.Errorf("store: link ids of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []LinkRef
	for rows.Next() {
		var l LinkRef
		if err := rows.Scan(&l.A, &l.B, &l.DeadA, &l.DeadB); err != nil {
			return nil, fmt.Errorf("store: link ids of sync %d: %w", syncID, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
