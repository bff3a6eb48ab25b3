package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/trayhost"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// keepInTray reports whether closing the window should hide it while the
// scheduler keeps running: the setting is on and the desktop has a tray.
func (u *UI) keepInTray() bool {
	return u.hasTray() && u.app.Preferences().Bool(prefTray) // opt-in
}

// hasTray: the app can put a menu in a tray and the desktop shows one.
func (u *UI) hasTray() bool {
	_, ok := u.app.(desktop.App)
	return ok && !u.deps.NoTray
}

// trayPresent asks the desktop once, at start, whether it shows a tray.
func trayPresent(ctx context.Context, log *slog.Logger) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ok, err := trayhost.Present(ctx)
	switch {
	case err != nil:
		log.Info("no system tray on this desktop: closing the window quits", "why", err)
	case !ok:
		log.Info("no system tray on this desktop: closing the window quits", "why", "no StatusNotifier host on the session bus")
	}
	return ok
}

// installTray adds the system-tray menu where the desktop offers one, and
// routes background run events to notifications and the Syncs screen.
func (u *UI) installTray() {
	if b := u.deps.Background; b != nil {
		b.setOnEvent(u.onScheduleEvent)
	}
	desk, ok := u.app.(desktop.App)
	if !ok || u.deps.NoTray {
		return // no icon nobody sees (and no "systray error" in the log)
	}
	status := fyne.NewMenuItem(trayIdle, nil)
	status.Disabled = true
	u.trayStatus, u.trayText = status, trayIdle
	resume := fyne.NewMenuItem("Resume all", func() { u.resumeAll() })
	resume.Disabled = true // until the store says Pause all paused some
	u.trayResume = resume
	syncAll := fyne.NewMenuItem("Sync all now", func() { u.syncAllInBackground() })
	u.traySyncAll = syncAll
	menu := fyne.NewMenu("crmsync",
		status,
		fyne.NewMenuItemSeparator(),
		syncAll,
		fyne.NewMenuItem("Pause all", func() { u.pauseAll() }),
		resume,
		fyne.NewMenuItem("Open", func() { u.win.Show(); u.win.RequestFocus() }),
	)
	u.trayMenu = menu
	desk.SetSystemTrayMenu(menu)
	if u.deps.Icon != nil {
		desk.SetSystemTrayIcon(u.deps.Icon)
	} else {
		desk.SetSystemTrayIcon(theme.ViewRefreshIcon())
	}
	u.loadPauseState() // a Pause all from before a restart shows at once
}

// onScheduleEvent runs off the UI goroutine for every scheduler event.
func (u *UI) onScheduleEvent(e schedule.Event) {
	u.do(func() {
		switch e.Kind {
		case schedule.EventStarted:
			u.setTrayStatus("crmsync: running " + e.Sync)
		case schedule.EventFinished:
			u.noteRunErr(e.Sync, nil) // a failure of the window's own run is now older
			u.forgetNotified(e.Sync)
			u.setTrayStatus("crmsync: last run OK (" + e.Sync + ")")
			u.notifyWarnings(e.Sync)
		case schedule.EventCleared:
			// A run made elsewhere (the CLI) succeeded: a new failure
			// notifies again.
			u.forgetNotified(e.Sync)
		case schedule.EventSkipped:
			u.setTrayStatus("crmsync: " + e.Sync + " not run: " + errorSentence(e.Err))
		case schedule.EventFailed:
			u.setTrayStatus("crmsync: " + e.Sync + " " + bgOutcome(e.Err))
			u.notifyFailure(e.Sync, e.Err)
		}
		// EventNext too: a schedule just saved is planned after the save's
		// own refresh, which showed "not scheduled".
		if u.Current() == ScreenSyncs && !u.paneOpen {
			u.refresh()
		}
		// History lists the run that just ended (not one left "running").
		if (e.Kind == schedule.EventFinished || e.Kind == schedule.EventFailed) && u.Current() == ScreenHistory && !u.paneOpen {
			u.refreshHistorySync(e.Sync)
		}
	})
}

// notifyFailure notifies a background run's failure unless the sync's last
// notification told the same one (a run's number aside) and no run of it
// has succeeded since: the card and the tray keep saying it meanwhile.
func (u *UI) notifyFailure(sync string, err error) {
	text := errorSentence(err)
	key := runNumber.ReplaceAllString(text, "run")
	if u.notified[sync] == key {
		return
	}
	u.rememberNotified(sync, key)
	if u.app.Preferences().BoolWithFallback(prefNotifications, true) {
		u.app.SendNotification(fyne.NewNotification("crmsync: "+sync+" "+bgOutcome(err), text))
	}
}

// heldWords tell a background run held at the safety limits.
const heldWords = "waits for your confirmation"

// bgOutcome is how a background run's error is told: a plan held at the
// safety limits waits for a person, and nothing failed.
func bgOutcome(err error) string {
	if errors.Is(err, engine.ErrNeedsConfirmation) {
		return heldWords
	}
	return "failed"
}

// notifyWarnings notifies when a background run of sync that succeeded
// warned anew: nobody saw its preview. A mapping's notes warn on every
// run, so only warnings the sync's run before did not have count; the
// store holds both, so a restart does not repeat them either. The runs
// are read off the UI goroutine.
func (u *UI) notifyWarnings(sync string) {
	if u.a == nil {
		return
	}
	bg(u, func(ctx context.Context) ([]store.RunRow, error) {
		runs, err := u.a.Runs(ctx, sync, 10)
		if err != nil {
			return nil, fmt.Errorf("reading the last runs of %s: %w", sync, err)
		}
		var out []store.RunRow // the newest run, then the one before
		for _, r := range runs {
			if r.Run.Status != "dry_run" && r.Run.UndoOf == 0 && len(out) < 2 {
				out = append(out, r.Run)
			}
		}
		return out, nil
	}, func(runs []store.RunRow, err error) {
		if err != nil {
			u.log.Warn("a background run's warnings could not be read", "sync", sync, "err", err)
			return
		}
		if len(runs) == 0 || !u.app.Preferences().BoolWithFallback(prefNotifications, true) {
			return
		}
		r, fresh := runs[0], newWarnings(runs)
		if len(fresh) == 0 {
			return
		}
		text := nWarnings(runWarnings(r)) + " - open History. " + shorten(fresh[0], 160)
		u.app.SendNotification(fyne.NewNotification("crmsync: "+sync+" finished with "+nWarnings(runWarnings(r)), text))
	})
}

// newWarnings are the warnings of runs[0] that runs[1], the run before,
// did not have; a grown count of omitted ones counts as new too.
func newWarnings(runs []store.RunRow) []string {
	r := runs[0]
	var prev store.RunRow
	if len(runs) > 1 {
		prev = runs[1]
	}
	had := make(map[string]bool, len(prev.Warnings))
	for _, w := range prev.Warnings {
		had[w] = true
	}
	var out []string
	for _, w := range r.Warnings {
		if !had[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 && r.WarningsOmitted > prev.WarningsOmitted {
		out = append(out, fmt.Sprintf("%d more not listed", r.WarningsOmitted))
	}
	return out
}

// runNumber is a run's number in a failure's text ("run 12 partial"),
// which differs on every run of the same failure.
var runNumber = regexp.MustCompile(`\brun \d+\b`)

// setTrayStatus sets the tray's status line; while syncs are paused it
// counts them too, so a forgotten pause stays in sight.
func (u *UI) setTrayStatus(s string) {
	if u.trayStatus == nil {
		return
	}
	u.trayText = s
	u.renderTray()
}

// traySyncAllBusy is the busy key (UI.begin) of the tray's Sync all.
const traySyncAllBusy = "tray sync all"

// syncAllInBackground runs every sync once from the tray, in the order
// their links need (app.RunAll), with the window perhaps hidden: the tray
// says which one runs, and a notification how they ended.
func (u *UI) syncAllInBackground() {
	if u.a == nil {
		return
	}
	// A second press would run every sync again beside the first, each
	// then "already running"; the item is off meanwhile (renderTray).
	first := u.begin(traySyncAllBusy)
	u.setTrayStatus("crmsync: a Sync all is under way")
	if !first {
		return
	}
	u.runs.Add(1)
	bg(u, func(ctx context.Context) ([]app.SyncOutcome, error) {
		defer u.runs.Done()
		out, err := u.a.RunAll(ctx, app.RunOptions{}, func(done, total int, sync string) {
			u.do(func() { u.setTrayStatus(fmt.Sprintf("crmsync: syncing %s (%d of %d)", sync, done+1, total)) })
		})
		u.noteOutcomes(out)
		return out, err
	}, func(out []app.SyncOutcome, err error) {
		u.end(traySyncAllBusy)
		if err != nil {
			u.setTrayStatus("crmsync: Sync all stopped: " + errorSentence(err)) // and "Sync all now" on again
			showError(u.win, err)
			return
		}
		text := syncAllSummary(out)
		u.setTrayStatus("crmsync: " + text)
		if u.app.Preferences().BoolWithFallback(prefNotifications, true) {
			u.app.SendNotification(fyne.NewNotification("crmsync: synced all", text))
		}
		if u.Current() == ScreenSyncs && !u.paneOpen {
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
