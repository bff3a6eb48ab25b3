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

// runOpenError is ErrRunOpen for sync syncID, naming the run that holds
// it where the store can tell (another process's run included).
func (s *DB) runOpenError(ctx context.Context, syncID int64) error {
	if who := s.runHolder(ctx, syncID); who != "" {
		return fmt.Errorf("store: sync %d: %w (%s)", syncID, ErrRunOpen, who)
	}
	return fmt.Errorf("store: sync %d: %w", syncID, ErrRunOpen)
}

// runHolder says which run holds sync syncID and who started it, for the
// refusal of a second run: "run 12, scheduled, started 14:03:05". Empty
// when the row cannot be read (the lock's holder may not have written it
// yet): the refusal then stands without it.
func (s *DB) runHolder(ctx context.Context, syncID int64) string {
	var id, started int64
	var trigger string
	err := s.sql.QueryRowContext(ctx, "SELECT id, trigger, started_at FROM runs WHERE sync_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1", syncID).
		Scan(&id, &trigger, &started)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("run %d, %s, started %s", id, triggerWords(trigger), time.UnixMilli(started).Local().Format(time.DateTime))
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
