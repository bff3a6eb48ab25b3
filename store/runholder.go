package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CheckNoOpenRun returns ErrRunOpen, naming its holder, when a run of sync
// syncID is under way, here or in another process: its row says running and
// its lock is held. Callers ask it before planning, so a run that OpenRun
// would refuse spends no API calls on reading both CRMs; OpenRun stays the
// guard (a run may open between this check and it). The lock is probed only
// when a row says running, so a check never holds it while another process's
// run is about to take it; a row whose lock is free was left by a crash,
// and the plan marks it interrupted.
func (s *DB) CheckNoOpenRun(ctx context.Context, syncID int64) error {
	var one int
	err := s.sql.QueryRowContext(ctx, "SELECT 1 FROM runs WHERE sync_id = ? AND status = 'running' LIMIT 1", syncID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: open run of sync %d: %w", syncID, err)
	}
	lock, err := s.locks.lockSync(syncID)
	if errors.Is(err, errLockHeld) {
		return s.runOpenError(ctx, syncID)
	}
	if err != nil {
		return err
	}
	unlock(lock)
	return nil
}

// RunOpenError is ErrRunOpen naming the run under way where the store can
// tell (another process's run included), so a caller may say it in its
// own words (app.SyncOutcome.Line).
type RunOpenError struct {
	SyncID  int64
	RunID   int64 // 0 when the holder's row could not be read
	Trigger string
	Started time.Time
}

func (e *RunOpenError) Error() string {
	if e.RunID == 0 {
		return fmt.Sprintf("store: sync %d: %v", e.SyncID, ErrRunOpen)
	}
	return fmt.Sprintf("store: sync %d: %v (run %d, %s, started %s)", e.SyncID, ErrRunOpen, e.RunID, triggerWords(e.Trigger), e.Started.Local().Format(time.DateTime))
}

func (e *RunOpenError) Unwrap() error { return ErrRunOpen }

// StartedBy names who started the run, as in "started by the window".
func (e *RunOpenError) StartedBy() string {
	switch e.Trigger {
	case "schedule", "catch-up":
		return "the schedule"
	case "cli":
		return "the command line"
	case "manual":
		return "the window"
	case "":
		return "hand"
	}
	return triggerWords(e.Trigger)
}

// runOpenError is ErrRunOpen for sync syncID, naming the run that holds
// it where the store can tell. The lock's holder may not have written its
// row yet: the refusal then stands without it.
func (s *DB) runOpenError(ctx context.Context, syncID int64) error {
	e := &RunOpenError{SyncID: syncID}
	var started int64
	err := s.sql.QueryRowContext(ctx, "SELECT id, trigger, started_at FROM runs WHERE sync_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1", syncID).
		Scan(&e.RunID, &e.Trigger, &started)
	if err != nil {
		e.RunID, e.Trigger = 0, ""
		return e
	}
	e.Started = time.UnixMilli(started)
	return e
}

// triggerWords names who starts a run of trigger, as a person says it.
func triggerWords(trigger string) string {
	switch trigger {
	case "schedule":
		return "scheduled"
	case "catch-up":
		return "scheduled (catching up)"
	case "cli":
		return "from the command line"
	case "manual":
		return "from the window"
	case "":
		return "started by hand"
	}
	return trigger
}
