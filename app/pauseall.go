package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/store"
)

// pausedByAllKey is the setting that keeps the ids of the syncs "Pause
// all" paused, so "Resume all" resumes exactly those, after a restart too.
const pausedByAllKey = "paused_by_pause_all"

// PauseState counts the paused syncs, and those of them Pause all paused
// (what Resume all would resume).
type PauseState struct {
	Paused    int
	Resumable int
}

// PauseAll pauses every sync not paused yet and remembers which it paused.
// A sync paused on its own before keeps its own pause: Resume all leaves it.
func (a *App) PauseAll(ctx context.Context) error {
	rows, ids, err := a.syncsAndPausedByAll(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Paused {
			continue
		}
		// Remembered first: a failure part way leaves no sync paused
		// that Resume all would not resume.
		ids = append(ids, r.ID)
		if err := a.setPausedByAll(ctx, ids); err != nil {
			return err
		}
		if err := a.db.SetSyncPaused(ctx, r.Name, true); err != nil {
			return err
		}
	}
	return nil
}

// ResumeAll resumes the syncs Pause all paused that are still paused, and
// forgets them. Syncs paused otherwise stay paused.
func (a *App) ResumeAll(ctx context.Context) error {
	rows, ids, err := a.syncsAndPausedByAll(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Paused && slices.Contains(ids, r.ID) {
			if err := a.db.SetSyncPaused(ctx, r.Name, false); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
	}
	return a.setPausedByAll(ctx, nil)
}

// PauseState counts the paused syncs and those Resume all would resume.
func (a *App) PauseState(ctx context.Context) (PauseState, error) {
	rows, ids, err := a.syncsAndPausedByAll(ctx)
	if err != nil {
		return PauseState{}, err
	}
	var st PauseState
	for _, r := range rows {
		if r.Paused {
			st.Paused++
			if slices.Contains(ids, r.ID) {
				st.Resumable++
			}
		}
	}
	return st, nil
}

// syncsAndPausedByAll reads every sync and the ids of those Pause all
// paused.
func (a *App) syncsAndPausedByAll(ctx context.Context) ([]store.SyncRow, []int64, error) {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids, err := a.pausedByAll(ctx)
	return rows, ids, err
}

func (a *App) pausedByAll(ctx context.Context) ([]int64, error) {
	raw, err := a.db.Setting(ctx, pausedByAllKey, "")
	if err != nil || raw == "" {
		return nil, err
	}
	var ids []int64
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return nil, fmt.Errorf("the syncs Pause all paused could not be read (setting %s): %w", pausedByAllKey, err)
	}
	return ids, nil
}

func (a *App) setPausedByAll(ctx context.Context, ids []int64) error {
	raw, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		raw = nil
	}
	return a.db.SetSetting(ctx, pausedByAllKey, string(raw))
}

// forgetPausedByAll takes a sync out of Pause all's hands when it is
// paused or resumed on its own.
func (a *App) forgetPausedByAll(ctx context.Context, name string) error {
	r, err := a.db.Sync(ctx, name)
	if err != nil {
		return err
	}
	ids, err := a.pausedByAll(ctx)
	if err != nil || !slices.Contains(ids, r.ID) {
		return err
	}
	return a.setPausedByAll(ctx, slices.DeleteFunc(ids, func(id int64) bool { return id == r.ID }))
}
