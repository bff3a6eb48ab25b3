package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrRunOpen means the sync already has a run in progress.
var ErrRunOpen = errors.New("a run of this sync is already in progress")

// RunRow is one run of a sync.
type RunRow struct {
	ID         int64
	SyncID     int64
	Trigger    string
	Status     string // running | success | partial | failed | cancelled | needs_confirmation | dry_run
	UndoOf     int64
	StartedAt  time.Time
	FinishedAt time.Time
	Created    int
	Updated    int
	Unchanged  int
	Conflicts  int
	Review     int
	Failed     int
	Deleted    int
	APICallsA  int64
	APICallsB  int64
	Message    string
	// Warnings are the first of the run's plan warnings, WarningsOmitted
	// how many more there were.
	Warnings        []string
	WarningsOmitted int
}

const runCols = "id, sync_id, trigger, status, coalesce(undo_of, 0), started_at, finished_at, created, updated, unchanged, conflicts, review, failed, deleted, api_calls_a, api_calls_b, message, warnings, warnings_omitted"

func scanRun(row interface{ Scan(...any) error }) (RunRow, error) {
	var r RunRow
	var started, finished int64
	var warnings string
	err := row.Scan(&r.ID, &r.SyncID, &r.Trigger, &r.Status, &r.UndoOf, &started, &finished, &r.Created, &r.Updated, &r.Unchanged,
		&r.Conflicts, &r.Review, &r.Failed, &r.Deleted, &r.APICallsA, &r.APICallsB, &r.Message, &warnings, &r.WarningsOmitted)
	if err == nil && warnings != "" && warnings != "[]" {
		if jerr := json.Unmarshal([]byte(warnings), &r.Warnings); jerr != nil {
			err = fmt.Errorf("run %d's warnings: %w", r.ID, jerr)
		}
	}
	r.StartedAt = time.UnixMilli(started)
	if finished != 0 {
		r.FinishedAt = time.UnixMilli(finished)
	}
	return r, err
}

// OpenRun inserts a running run. A second open run of the same sync fails
// with ErrRunOpen: the sync's run lock (runlock.go) is held until FinishRun,
// and a unique partial index guards the row, across processes too.
func (s *DB) OpenRun(ctx context.Context, syncID int64, trigger string, undoOf int64) (int64, error) {
	lock, err := s.locks.lockSync(syncID)
	if errors.Is(err, errLockHeld) {
		return 0, s.runOpenError(ctx, syncID)
	}
	if err != nil {
		return 0, err
	}
	id, err := s.insertRun(ctx, syncID, trigger, undoOf)
	if err != nil {
		unlock(lock)
		return 0, err
	}
	s.holdRunLock(id, lock)
	return id, nil
}

func (s *DB) insertRun(ctx context.Context, syncID int64, trigger string, undoOf int64) (int64, error) {
	var undo any
	if undoOf != 0 {
		undo = undoOf
	}
	var id int64
	err := s.sql.QueryRowContext(ctx, "INSERT INTO runs(sync_id, trigger, status, undo_of, started_at) VALUES(?,?,'running',?,?) RETURNING id",
		syncID, trigger, undo, s.nowMS()).Scan(&id)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return 0, s.runOpenError(ctx, syncID)
		}
		return 0, fmt.Errorf("store: open run of sync %d: %w", syncID, err)
	}
	return id, nil
}

// RecordRun inserts an already finished run (a refused or dry run).
func (s *DB) RecordRun(ctx context.Context, r RunRow) (int64, error) {
	now := s.nowMS()
	var undo any
	if r.UndoOf != 0 {
		undo = r.UndoOf
	}
	warnings, err := encodeWarnings(r.Warnings)
	if err != nil {
		return 0, fmt.Errorf("store: record run of sync %d: %w", r.SyncID, err)
	}
	var id int64
	err = s.sql.QueryRowContext(ctx, `INSERT INTO runs(sync_id, trigger, status, undo_of, started_at, finished_at, created, updated, unchanged, conflicts, review, failed, deleted, message, warnings, warnings_omitted)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`, r.SyncID, r.Trigger, r.Status, undo, now, now,
		r.Created, r.Updated, r.Unchanged, r.Conflicts, r.Review, r.Failed, r.Deleted, r.Message, warnings, r.WarningsOmitted).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: record run of sync %d: %w", r.SyncID, err)
	}
	return id, nil
}

// FinishRun stores a run's outcome and closes it.
func (s *DB) FinishRun(ctx context.Context, r RunRow) error {
	if r.Status == "running" || r.Status == "" {
		return fmt.Errorf("store: finish run %d: status %q is not final", r.ID, r.Status)
	}
	warnings, err := encodeWarnings(r.Warnings)
	if err == nil {
		_, err = s.sql.ExecContext(ctx, `UPDATE runs SET status = ?, finished_at = ?, created = ?, updated = ?, unchanged = ?, conflicts = ?,
		review = ?, failed = ?, deleted = ?, api_calls_a = ?, api_calls_b = ?, message = ?, warnings = ?, warnings_omitted = ? WHERE id = ?`,
			r.Status, s.nowMS(), r.Created, r.Updated, r.Unchanged, r.Conflicts, r.Review, r.Failed, r.Deleted, r.APICallsA, r.APICallsB, r.Message,
			warnings, r.WarningsOmitted, r.ID)
	}
	// Released even on error: a row left "running" without its lock is
	// recovered as interrupted, which it then is.
	s.releaseRunLock(r.ID)
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", r.ID, err)
	}
	return nil
}

// SetRunWarnings stores an open run's warnings before it writes: a run
// killed before FinishRun keeps them (some are said once, by the plan
// that settles what they name).
func (s *DB) SetRunWarnings(ctx context.Context, runID int64, ws []string, omitted int) error {
	warnings, err := encodeWarnings(ws)
	if err == nil {
		_, err = s.sql.ExecContext(ctx, "UPDATE runs SET warnings = ?, warnings_omitted = ? WHERE id = ?", warnings, omitted, runID)
	}
	if err != nil {
		return fmt.Errorf("store: warnings of run %d: %w", runID, err)
	}
	return nil
}

// SetRunMessage replaces a finished run's message: a later plan that
// settles the writes a stop or crash left unknown says so.
func (s *DB) SetRunMessage(ctx context.Context, runID int64, msg string) error {
	if _, err := s.sql.ExecContext(ctx, "UPDATE runs SET message = ? WHERE id = ? AND status != 'running'", msg, runID); err != nil {
		return fmt.Errorf("store: message of run %d: %w", runID, err)
	}
	return nil
}

func encodeWarnings(ws []string) (string, error) {
	if len(ws) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ws)
	if err != nil {
		return "", fmt.Errorf("encode warnings: %w", err)
	}
	return string(b), nil
}

// RecoverStaleRuns marks every run left "running" by a crash or kill as
// failed. A run whose sync lock another process holds (the window running
// a sync while the CLI starts) is alive and left alone.
func (s *DB) RecoverStaleRuns(ctx context.Context) (int, error) {
	return s.RecoverStaleRunsNoting(ctx, nil)
}

// StaleNote words what a run a crash or kill left is known to have left
// open (its writes of unknown outcome), appended to InterruptedMessage;
// "" for nothing. It is asked while the run's sync lock is held, so no
// other run settles the run's journal meanwhile.
type StaleNote func(ctx context.Context, r RunRow) string

// RecoverStaleRunsNoting is RecoverStaleRuns with note's words added to
// each run it marks (nil: none).
func (s *DB) RecoverStaleRunsNoting(ctx context.Context, note StaleNote) (int, error) {
	open, err := s.openRuns(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range open {
		stale, err := s.failIfStale(ctx, r, note)
		if err != nil {
			return n, err
		}
		if stale {
			n++
		}
	}
	return n, nil
}

// openRuns lists the runs still marked running.
func (s *DB) openRuns(ctx context.Context) ([]RunRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, sync_id FROM runs WHERE status = 'running'")
	if err != nil {
		return nil, fmt.Errorf("store: recover stale runs: %w", err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		var r RunRow
		if err := rows.Scan(&r.ID, &r.SyncID); err != nil {
			return nil, fmt.Errorf("store: recover stale runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InterruptedMessage begins the message of a run left running by a crash
// or kill (a note and an undo's advice may follow: compare by prefix).
const InterruptedMessage = "interrupted (crash or kill)"

// failIfStale marks run r failed unless its sync's lock is held elsewhere.
// Holding the lock meanwhile keeps a new run of the sync from starting.
func (s *DB) failIfStale(ctx context.Context, r RunRow, note StaleNote) (bool, error) {
	lock, err := s.locks.lockSync(r.SyncID)
	if errors.Is(err, errLockHeld) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer unlock(lock)
	msg := InterruptedMessage
	if note != nil {
		msg += note(ctx, r)
	}
	// An undo's rest is written back only by undoing again.
	_, err = s.sql.ExecContext(ctx, `UPDATE runs SET status = 'failed', finished_at = ?, message = ? ||
		CASE WHEN undo_of IS NULL THEN '' ELSE '; undo run ' || undo_of || ' again to write the rest back' END WHERE id = ? AND status = 'running'`,
		s.nowMS(), msg, r.ID)
	if err != nil {
		return false, fmt.Errorf("store: recover stale run %d: %w", r.ID, err)
	}
	return true, nil
}

// Run returns one run.
func (s *DB) Run(ctx context.Context, runID int64) (RunRow, error) {
	r, err := scanRun(s.sql.QueryRowContext(ctx, "SELECT "+runCols+" FROM runs WHERE id = ?", runID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: run %d: %w", runID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: run %d: %w", runID, err)
	}
	return r, nil
}

// Runs lists a sync's runs, newest first (limit <= 0: all).
func (s *DB) Runs(ctx context.Context, syncID int64, limit int) ([]RunRow, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.sql.QueryContext(ctx, "SELECT "+runCols+" FROM runs WHERE sync_id = ? ORDER BY id DESC LIMIT ?", syncID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: runs of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: runs of sync %d: %w", syncID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunBefore is the run of the same sync before runID that is neither a
// dry run nor an undo, which History compares warnings with; found false
// when there is none.
func (s *DB) RunBefore(ctx context.Context, runID int64) (RunRow, bool, error) {
	r, err := scanRun(s.sql.QueryRowContext(ctx, "SELECT "+runCols+` FROM runs WHERE sync_id = (SELECT sync_id FROM runs WHERE id = ?)
		AND id < ? AND status != 'dry_run' AND undo_of IS NULL ORDER BY id DESC LIMIT 1`, runID, runID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("store: run before run %d: %w", runID, err)
	}
	return r, true, nil
}

// UndoneBy is the run that undid run runID and still stands: its latest
// successful undo that no successful undo has undone since; 0 when none.
func (s *DB) UndoneBy(ctx context.Context, runID int64) (int64, error) {
	var id int64
	err := s.sql.QueryRowContext(ctx, `SELECT u.id FROM runs u WHERE u.undo_of = ? AND u.status = 'success'
		AND NOT EXISTS (SELECT 1 FROM runs v WHERE v.undo_of = u.id AND v.status = 'success') ORDER BY u.id DESC LIMIT 1`, runID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: undo of run %d: %w", runID, err)
	}
	return id, nil
}

// UnfinishedUndosBefore lists the undos of the same run as undo runID
// that ended short (cancelled, failed or partial) after that run's last
// successful undo before runID and were not undone since, oldest first:
// runID finished what they began, so undoing runID must reverse their
// writes too.
func (s *DB) UnfinishedUndosBefore(ctx context.Context, runID int64) ([]int64, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT v.id FROM runs v JOIN runs u ON u.id = ? AND u.undo_of IS NOT NULL
		WHERE v.undo_of = u.undo_of AND v.id < u.id AND v.status IN ('cancelled', 'failed', 'partial')
		AND v.id > coalesce((SELECT max(w.id) FROM runs w WHERE w.undo_of = u.undo_of AND w.id < u.id AND w.status = 'success'), 0)
		AND NOT EXISTS (SELECT 1 FROM runs x WHERE x.undo_of = v.id AND x.status = 'success') ORDER BY v.id`, runID)
	if err != nil {
		return nil, fmt.Errorf("store: undos before run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: undos before run %d: %w", runID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
