package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/crmsync/crmsync/sync/schedule"
)

// keepInTray reports whether closing the window should hide it while the
// scheduler keeps running: the setting is on and the desktop has a tray.
func (u *UI) keepInTray() bool {
	_, ok := u.app.(desktop.App)
	return ok && u.app.Preferences().Bool(prefTray) // opt-in: some desktops show no tray
}

// installTray adds the system-tray menu where the desktop offers one, and
// routes background run events to notifications and the Syncs screen.
func (u *UI) installTray() {
	if b := u.deps.Background; b != nil {
		b.setOnEvent(u.onScheduleEvent)
	}
	desk, ok := u.app.(desktop.App)
	if !ok {
		return
	}
	status := fyne.NewMenuItem("crmsync: idle", nil)
	status.Disabled = true
	u.trayStatus = status
	menu := fyne.NewMenu("crmsync",
		status,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Sync all now", func() { u.syncAll() }),
		fyne.NewMenuItem("Pause all", func() { u.pauseAll() }),
		fyne.NewMenuItem("Open", func() { u.win.Show(); u.win.RequestFocus() }),
	)
	u.trayMenu = menu
	desk.SetSystemTrayMenu(menu)
	if u.deps.Icon != nil {
		desk.SetSystemTrayIcon(u.deps.Icon)
	} else {
		desk.SetSystemTrayIcon(theme.ViewRefreshIcon())
	}
}

// onScheduleEvent runs off the UI goroutine for every scheduler event.
func (u *UI) onScheduleEvent(e schedule.Event) {
	u.do(func() {
		switch e.Kind {
		case schedule.EventStarted:
			u.setTrayStatus("crmsync: running " + e.Sync)
		case schedule.EventFinished:
			u.setTrayStatus("crmsync: last run OK (" + e.Sync + ")")
		case schedule.EventFailed:
			u.setTrayStatus("crmsync: " + e.Sync + " failed")
			if u.app.Preferences().BoolWithFallback(prefNotifications, true) {
				u.app.SendNotification(fyne.NewNotification("crmsync: "+e.Sync+" failed", errorSentence(e.Err)))
			}
		}
		if e.Kind != schedule.EventNext && u.Current() == ScreenSyncs && !u.paneOpen {
			u.refresh()
		}
	})
}

func (u *UI) setTrayStatus(s string) {
	if u.trayStatus == nil {
		return
	}
	u.trayStatus.Label = s
	u.trayMenu.Refresh()
}

// syncAll asks the scheduler to run every unpaused sync now.
func (u *UI) syncAll() {
	if u.a == nil {
		return
	}
	u.bgErr(func(ctx context.Context) error {
		syncs, err := u.a.Syncs(ctx)
		if err != nil {
			return err
		}
		for _, s := range syncs {
			if s.Paused {
				continue
			}
			if b := u.deps.Background; b != nil && b.SyncNow(s.Definition.Name) {
				continue
			}
			if _, err := u.a.Run(ctx, s.Definition.Name, runOpts("manual")); err != nil {
				return fmt.Errorf("sync %s: %w", s.Definition.Name, err)
			}
		}
		return nil
	}, func(err error) {
		if err != nil {
			showError(u.win, err)
		}
	})
}

// pauseAll pauses every sync's schedule.
func (u *UI) pauseAll() {
	if u.a == nil {
		return
	}
	u.bgErr(func(ctx context.Context) error {
		syncs, err := u.a.Syncs(ctx)
		if err != nil {
			return err
		}
		for _, s := range syncs {
			if err := u.a.SetPaused(ctx, s.Definition.Name, true); err != nil {
				return err
			}
		}
		return u.reloadSchedules(ctx)
	}, func(err error) {
		if err != nil {
			showError(u.win, err)
			return
		}
		u.setTrayStatus("crmsync: all syncs paused")
		if !u.paneOpen {
			u.refresh()
		}
	})
}

func (u *UI) reloadSchedules(ctx context.Context) error {
	if b := u.deps.Background; b != nil {
		return b.Reload(ctx)
	}
	return nil
}
