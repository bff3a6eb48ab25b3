package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// errLockHeld means another process (or another DB in this one) holds the
// lock: its run is alive.
var errLockHeld = errors.New("store: lock held elsewhere")

// runLocks are the OS file locks a DB holds for its runs in progress, one
// file per sync. The OS drops a lock when its holder dies, so a "running"
// row whose sync lock can be taken was left by a crash or kill, and one
// whose lock is held belongs to a run alive in another process (the window
// beside the CLI) that must not be marked interrupted.
type runLocks struct {
	dir  string
	held map[int64]*os.File // by run id; guarded by DB.lockMu
}

// lockSync takes sync syncID's run lock without waiting; errLockHeld when
// someone else has it.
func (l *runLocks) lockSync(syncID int64) (*os.File, error) {
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: run locks folder %s: %w", l.dir, err)
	}
	path := filepath.Join(l.dir, "sync-"+strconv.FormatInt(syncID, 10)+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: run lock of sync %d: %w", syncID, err)
	}
	if err := tryLockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// unlock releases a lock lockSync took.
func unlock(f *os.File) {
	if f != nil {
		_ = f.Close() // closing the file releases its lock
	}
}

// holdRunLock keeps f until run runID finishes (FinishRun) or the DB closes.
func (s *DB) holdRunLock(runID int64, f *os.File) {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	s.locks.held[runID] = f
}

// releaseRunLock drops run runID's lock, if this DB holds it.
func (s *DB) releaseRunLock(runID int64) {
	s.lockMu.Lock()
	f := s.locks.held[runID]
	delete(s.locks.held, runID)
	s.lockMu.Unlock()
	unlock(f)
}

// releaseAllRunLocks drops every lock this DB holds (Close).
func (s *DB) releaseAllRunLocks() {
	s.lockMu.Lock()
	held := s.locks.held
	s.locks.held = map[int64]*os.File{}
	s.lockMu.Unlock()
	for _, f := range held {
		unlock(f)
	}
}
