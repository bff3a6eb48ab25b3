package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SyncRow is a stored sync definition. The definition itself is JSON owned by
// sync/engine; the store does not interpret it.
type SyncRow struct {
	ID         int64
	Name       string
	Definition string
	Paused     bool
	// FullPass says why the next run reads every record and merges every
	// pair again ("" when none is due): see SetFullPass.
	FullPass string
	// SidesFromRun is the last run made before the sync's connection or
	// object last changed (ResetSync); runs up to it cannot be undone.
	SidesFromRun int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func scanSync(row interface{ Scan(...any) error }) (SyncRow, error) {
	var r SyncRow
	var created, updated int64
	err := row.Scan(&r.ID, &r.Name, &r.Definition, &r.Paused, &r.FullPass, &r.SidesFromRun, &created, &updated)
	r.CreatedAt, r.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	return r, err
}

// SaveSync inserts or updates a sync by name and returns its id. Links and
// cursors survive an update; callers reset them explicitly when the sides change.
func (s *DB) SaveSync(ctx context.Context, name, definition string) (int64, error) {
	now := s.nowMS()
	var id int64
	err := s.sql.QueryRowContext(ctx, `INSERT INTO syncs(name, definition, created_at, updated_at) VALUES(?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at RETURNING id`,
		name, definition, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: save sync %q: %w", name, err)
	}
	return id, nil
}

// Sync returns a sync by name.
func (s *DB) Sync(ctx context.Context, name string) (SyncRow, error) {
	r, err := scanSync(s.sql.QueryRowContext(ctx, "SELECT id, name, definition, paused, full_pass, sides_from_run, created_at, updated_at FROM syncs WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: sync %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: sync %q: %w", name, err)
	}
	return r, nil
}

// SyncByID returns a sync by id.
func (s *DB) SyncByID(ctx context.Context, id int64) (SyncRow, error) {
	r, err := scanSync(s.sql.QueryRowContext(ctx, "SELECT id, name, definition, paused, full_pass, sides_from_run, created_at, updated_at FROM syncs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: sync %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: sync %d: %w", id, err)
	}
	return r, nil
}

// Syncs lists all syncs by name.
func (s *DB) Syncs(ctx context.Context) ([]SyncRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, name, definition, paused, full_pass, sides_from_run, created_at, updated_at FROM syncs ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: list syncs: %w", err)
	}
	defer rows.Close()
	var out []SyncRow
	for rows.Next() {
		r, err := scanSync(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list syncs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetSyncPaused pauses or resumes a sync.
func (s *DB) SetSyncPaused(ctx context.Context, name string, paused bool) error {
	res, err := s.sql.ExecContext(ctx, "UPDATE syncs SET paused = ?, updated_at = ? WHERE name = ?", paused, s.nowMS(), name)
	if err != nil {
		return fmt.Errorf("store: pause sync %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: sync %q: %w", name, ErrNotFound)
	}
	return nil
}

// DeleteSync removes a sync and, by cascade, its links, index, runs and queues.
func (s *DB) DeleteSync(ctx context.Context, name string) error {
	res, err := s.sql.ExecContext(ctx, "DELETE FROM syncs WHERE name = ?", name)
	if err != nil {
		return fmt.Errorf("store: delete sync %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: sync %q: %w", name, ErrNotFound)
	}
	return nil
}

// SetFullPass records why the next run of a sync must read every record and
// merge every pair again ("" clears it).
func (s *DB) SetFullPass(ctx context.Context, syncID int64, why string) error {
	if _, err := s.sql.ExecContext(ctx, "UPDATE syncs SET full_pass = ? WHERE id = ?", why, syncID); err != nil {
		return fmt.Errorf("store: full pass of sync %d: %w", syncID, err)
	}
	return nil
}

// FullPassDone clears a sync's full pass once a run made for it was
// applied, unless it was asked for again since (why is what that run saw)
// or the sync was saved since (definition is the one that run planned
// with): a change saved during the run may give the same reason.
func (s *DB) FullPassDone(ctx context.Context, syncID int64, why, definition string) error {
	if _, err := s.sql.ExecContext(ctx, "UPDATE syncs SET full_pass = '' WHERE id = ? AND full_pass = ? AND definition = ?", syncID, why, definition); err != nil {
		return fmt.Errorf("store: full pass of sync %d done: %w", syncID, err)
	}
	return nil
}
