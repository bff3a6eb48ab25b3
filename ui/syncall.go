package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// syncAll runs every sync once (app.RunAll), in the order their links
// need, with a progress dialog and Cancel, then says how each ended. A
// plan over its safety limits is not applied: the outcome offers its
// preview, where it can be confirmed.
func (u *UI) syncAll() {
	// One Sync all at a time, the tray's included: a second would run
	// every sync again, each then "already running".
	if !u.begin(traySyncAllBusy) {
		showNote(u.win, "Sync all", "A Sync all started from the tray is under way; its outcome is notified when it ends.")
		return
	}
	u.renderTray()
	ctx, cancel := context.WithCancel(u.ctx)
	status := wrapped("Starting…")
	bar := widget.NewProgressBar()
	d := dialog.NewCustom("Syncing all", "Cancel", container.NewGridWrap(fyne.NewSize(440, 120), container.NewVBox(status, bar)), u.win)
	finished := false
	d.SetOnClosed(func() {
		if !finished {
			cancel()
		}
	})
	d.Show()
	progress := func(done, total int, sync string) {
		u.do(func() {
			status.SetText(fmt.Sprintf("Sync %d of %d: %s…", done+1, total, sync))
			bar.Max = float64(total)
			bar.SetValue(float64(done))
		})
	}
	u.runs.Add(1)
	bg(u, func(context.Context) ([]app.SyncOutcome, error) {
		defer u.runs.Done()
		defer cancel()
		out, err := u.a.RunAll(ctx, app.RunOptions{}, progress)
		u.noteOutcomes(out)
		return out, err
	}, func(out []app.SyncOutcome, err error) {
		u.end(traySyncAllBusy)
		u.renderTray()
		finished = true
		d.Hide()
		u.refreshIf(u.Current())
		if err != nil && !errors.Is(err, context.Canceled) {
			showError(u.win, err)
			return
		}
		u.showSyncAllOutcome(out, err != nil)
	})
}

// syncAllSummary says in one sentence how a run of every sync ended.
func syncAllSummary(out []app.SyncOutcome) string {
	ran, confirm, failed, warned, running := 0, 0, 0, 0, 0
	for _, o := range out {
		switch {
		case o.Paused:
		case o.NeedsConfirmation():
			confirm++
		case o.AlreadyRunning():
			running++ // its run under way syncs it: nothing in History failed
		case o.Err != nil || o.Result.Summary == nil || o.Result.Summary.Status != "success":
			failed++
		default:
			ran++
			if p := o.Result.Plan; p != nil && len(p.Warnings)+p.WarningsOmitted > 0 {
				warned++ // from the tray nobody saw its preview
			}
		}
	}
	text := fmt.Sprintf("%d of %d syncs ran without a problem", ran, len(out))
	if failed > 0 {
		text += fmt.Sprintf("; %d failed in part or whole (see History)", failed)
	}
	if warned > 0 {
		text += fmt.Sprintf("; %d with warnings (see History)", warned)
	}
	if running > 0 {
		text += fmt.Sprintf("; %d already running, not started again", running)
	}
	if confirm > 0 {
		text += fmt.Sprintf("; %d need your confirmation in their preview", confirm)
	}
	return text + "."
}

// showSyncAllOutcome says how each sync's part ended, problems first, and
// offers the preview of the first sync that needs confirmation.
func (u *UI) showSyncAllOutcome(out []app.SyncOutcome, cancelled bool) {
	var ok, problems []string
	confirm := ""
	for _, o := range out {
		switch {
		case o.NeedsConfirmation():
			problems = append(problems, o.Line())
			if confirm == "" {
				confirm = o.Sync
			}
		case o.Paused || o.AlreadyRunning() || o.Err == nil && o.Result.Summary != nil && o.Result.Summary.Status == "success":
			ok = append(ok, o.Line())
		default:
			problems = append(problems, o.Line())
		}
	}
	head := syncAllSummary(out)
	if cancelled {
		head = "Cancelled. " + head
	}
	msg := wrapped(head + "\n\n" + strings.Join(append(problems, ok...), "\n"))
	body := container.NewGridWrap(fyne.NewSize(640, 360), container.NewVScroll(msg))
	if confirm == "" {
		dialog.NewCustom("Synced all", "Close", body, u.win).Show()
		return
	}
	dialog.NewCustomConfirm("Synced all", "Preview "+confirm, "Close", body, func(open bool) {
		if open {
			u.openPreview(confirm)
		}
	}, u.win).Show()
}
