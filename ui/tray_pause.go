package ui

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/app"
)

const trayIdle = "crmsync: idle"

// pauseAll pauses every sync's schedule; the store remembers which it
// paused, so Resume all (tray or Syncs screen) resumes exactly those, after
// a restart too. A sync paused on its own card before stays paused.
func (u *UI) pauseAll() {
	u.changePauses(func(ctx context.Context) error { return u.a.PauseAll(ctx) })
}

// resumeAll resumes the syncs Pause all paused and puts them back on
// their schedules.
func (u *UI) resumeAll() {
	u.changePauses(func(ctx context.Context) error { return u.a.ResumeAll(ctx) })
}

func (u *UI) changePauses(change func(ctx context.Context) error) {
	if u.a == nil {
		return
	}
	bg(u, func(ctx context.Context) (app.PauseState, error) {
		err := change(ctx)
		if rerr := u.reloadSchedules(ctx); err == nil {
			err = rerr
		}
		st, serr := u.a.PauseState(ctx)
		if err == nil {
			err = serr
		}
		return st, err
	}, func(st app.PauseState, err error) {
		if err != nil {
			showError(u.win, err)
			u.loadPauseState()
		} else {
			u.setPauseState(st) // the last news stays: a failure is not "idle"
		}
		u.refreshIf(ScreenSyncs)
	})
}

// loadPauseState reads the paused syncs again for the tray.
func (u *UI) loadPauseState() {
	if u.a == nil {
		return
	}
	bg(u, u.a.PauseState, func(st app.PauseState, err error) {
		if err != nil {
			u.log.Warn("paused syncs could not be counted", "err", err)
			return
		}
		u.setPauseState(st)
	})
}

// setPauseState shows what is paused in the tray (UI goroutine).
func (u *UI) setPauseState(st app.PauseState) {
	u.pauses = st
	u.renderTray()
}

func (u *UI) renderTray() {
	if u.trayStatus == nil {
		return
	}
	label := u.trayText
	if n := u.pauses.Paused; n > 0 {
		count := fmt.Sprintf("%d syncs paused", n)
		if n == 1 {
			count = "1 sync paused"
		}
		if label == "" || label == trayIdle {
			label = "crmsync: " + count
		} else {
			label += " · " + count
		}
	}
	u.trayStatus.Label = label
	u.trayResume.Disabled = u.pauses.Resumable == 0
	u.traySyncAll.Disabled = u.busy[traySyncAllBusy]
	u.trayMenu.Refresh()
}
