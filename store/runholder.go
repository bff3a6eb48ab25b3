package store

import (
	"context"
	"fmt"
	"time"
)

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
