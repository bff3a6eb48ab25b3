package store

import (
	"context"
	"database/sql"
	"fmt"
)

// rekeyPage is how many stored records one step of RekeyRecords reads.
const rekeyPage = 1000

// KeysOf computes a record's match keys from its stored fields, the way
// the engine indexes a record it reads.
type KeysOf func(side string, fields map[string]string) []RecordKey

// RekeyRecords recomputes, once per key version, the match keys of every
// live record the sync's index holds, from the fields stored with it: keys
// an older build wrote (before a normalizer changed) then match keys
// written now, without a resync. Records whose keys changed get a new seq,
// so the next plan matches them again. A sync already at version is left
// alone. It returns how many records got new keys.
func (s *DB) RekeyRecords(ctx context.Context, syncID int64, version int, keysOf KeysOf) (int, error) {
	var have int
	if err := s.sql.QueryRowContext(ctx, "SELECT key_version FROM syncs WHERE id = ?", syncID).Scan(&have); err != nil {
		return 0, fmt.Errorf("store: key version of sync %d: %w", syncID, err)
	}
	if have >= version {
		return 0, nil // the usual case: no write transaction
	}
	changed := 0
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changed = 0
		var have int
		if err := tx.QueryRowContext(ctx, "SELECT key_version FROM syncs WHERE id = ?", syncID).Scan(&have); err != nil {
			return err
		}
		if have >= version {
			return nil
		}
		for _, side := range []string{"a", "b"} {
			n, err := s.rekeySide(ctx, tx, syncID, side, keysOf)
			if err != nil {
				return err
			}
			changed += n
		}
		_, err := tx.ExecContext(ctx, "UPDATE syncs SET key_version = ? WHERE id = ?", version, syncID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: re-key the index of sync %d: %w", syncID, err)
	}
	return changed, nil
}

// rekeySide re-keys one side's live records, a page at a time.
func (s *DB) rekeySide(ctx context.Context, tx *sql.Tx, syncID int64, side string, keysOf KeysOf) (int, error) {
	changed, after := 0, ""
	for {
		stored := map[string]storedRow{}
		var ids []string
		err := s.eachRow(ctx, tx, "SELECT id, keys, fields FROM records WHERE sync_id = ? AND side = ? AND deleted = 0 AND id > ? ORDER BY id LIMIT ?",
			[]any{syncID, side, after, rekeyPage}, func(rows *sql.Rows) error {
				var id string
				var r storedRow
				if err := rows.Scan(&id, &r.keys, &r.fields); err != nil {
					return err
				}
				stored[id], ids = r, append(ids, id)
				return nil
			})
		if err != nil || len(ids) == 0 {
			return changed, err
		}
		after = ids[len(ids)-1]
		var moved []keyedRecord
		for _, id := range ids {
			k := newKeyed(side, id, false, keysOf(side, DecodeFields(stored[id].fields)))
			if k.keys != stored[id].keys {
				moved = append(moved, k)
			}
		}
		if err := s.moveKeys(ctx, tx, syncID, side, stored, moved); err != nil {
			return changed, err
		}
		changed += len(moved)
	}
}

// moveKeys stores the new keys of the records in moved, logs the change
// of each key and gives them a new seq.
func (s *DB) moveKeys(ctx context.Context, tx *sql.Tx, syncID int64, side string, stored map[string]storedRow, moved []keyedRecord) error {
	if len(moved) == 0 {
		return nil
	}
	ids := make([]string, len(moved))
	for i, k := range moved {
		ids[i] = k.id
		if _, err := tx.ExecContext(ctx, "UPDATE records SET keys = ? WHERE sync_id = ? AND side = ? AND id = ?", k.keys, syncID, side, k.id); err != nil {
			return err
		}
	}
	if err := s.replaceKeys(ctx, tx, syncID, storedKeyColumns(side, stored), moved); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, touchRecords+"(SELECT value FROM json_each(?3))", syncID, side, jsonList(ids))
	return err
}
