package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
)

type runRow = store.RunRow

// runFunc performs one run, reporting progress.
type runFunc func(ctx context.Context, progress func(engine.Progress)) (app.RunResult, error)

// runWithProgress shows a progress dialog (phase, done / total) with
// Cancel while fn runs, then the outcome. after (may be nil) runs on the UI
// goroutine with the result when the run ended without error.
func (u *UI) runWithProgress(what string, fn runFunc, after func(app.RunResult)) {
	ctx, cancel := context.WithCancel(u.ctx)
	phase := widget.NewLabel("Planning: reading both CRMs…")
	bar := widget.NewProgressBar()
	body := container.NewVBox(phase, bar)
	// Tall enough for four phase lines above the bar.
	d := dialog.NewCustom(what, "Cancel", container.NewGridWrap(fyne.NewSize(440, 150), body), u.win)
	finished := false
	d.SetOnClosed(func() {
		if !finished {
			cancel()
		}
	})
	d.Show()
	// Both sides write at once, so several phases report in turn: show each
	// and fill the bar with their sum. Only the UI goroutine touches phases.
	phases := map[string]engine.Progress{}
	progress := func(p engine.Progress) {
		u.do(func() {
			phases[p.Phase] = p
			text, done, total := progressText(phases, p.Phase)
			phase.SetText(text)
			body.Refresh() // lay out again: a second phase line pushes the bar down
			if total > 0 {
				bar.Max = float64(total)
				bar.SetValue(float64(done))
			}
		})
	}
	u.runs.Add(1)
	bg(u, func(context.Context) (app.RunResult, error) {
		defer u.runs.Done()
		defer cancel()
		return fn(ctx, progress)
	}, func(res app.RunResult, err error) {
		finished = true
		d.Hide()
		switch {
		case errors.Is(err, engine.ErrNeedsConfirmation) && res.Plan != nil:
			held := res.HeldReview // runs held before this one, the person confirmed them
			if res.Summary != nil {
				held += res.Summary.Review // what this held run's plan left in Review
			}
			u.confirmRun(what, res.Plan.Reason, held, fn, after)
			return
		case err != nil:
			showError(u.win, err)
		default:
			u.showRunOutcome(res)
		}
		if after != nil {
			after(res)
		}
		u.refreshIf(u.Current())
	})
}

// confirmRun says why a plan stopped and runs it again with Confirm.
// held counts the review items the runs held for confirmation left in
// Review (History counts them there): the dialog says so, and so does the
// confirmed run's outcome, whose own count leaves them out.
func (u *UI) confirmRun(what, reason string, held int, fn runFunc, after func(app.RunResult)) {
	msg := "This run needs your confirmation: " + reason + "."
	if held > 0 {
		msg += fmt.Sprintf("\n\n%d already in Review from this plan: they wait there whether you apply it or not.", held)
	}
	msg += "\n\nApply it anyway? You can undo it later from History."
	d := dialog.NewConfirm("Confirm the run", msg, func(ok bool) {
		if !ok {
			return
		}
		u.runWithProgress(what, func(ctx context.Context, p func(engine.Progress)) (app.RunResult, error) {
			res, err := fn(withConfirm(ctx, reason), p)
			// Set, not added: an earlier confirmation's fn (wrapped here)
			// set its own part of held.
			res.HeldReview = held
			return res, err
		}, after)
	}, u.win)
	d.SetConfirmText("Apply anyway")
	d.SetDismissText("Not now")
	d.Show()
}

// confirmKey marks a context whose run the user confirmed; run functions
// read it to set RunOptions.Confirm.
type confirmKey struct{}

// withConfirm marks ctx as confirmed by a person who read reason: the
// plan a run makes again is applied only if it needs confirmation for
// that same reason (RunOptions.ConfirmReason), not for a larger one. A
// confirmation already in ctx is the newer one: a run asked again wraps
// the function the earlier confirmation wrapped, so its context comes
// first.
func withConfirm(ctx context.Context, reason string) context.Context {
	if confirmed(ctx) {
		return ctx
	}
	return context.WithValue(ctx, confirmKey{}, reason)
}

func confirmed(ctx context.Context) bool { _, ok := ctx.Value(confirmKey{}).(string); return ok }

// confirmedReason is the reason the person confirmed; see withConfirm.
func confirmedReason(ctx context.Context) string { r, _ := ctx.Value(confirmKey{}).(string); return r }

// progressText renders the phases still under way, one line each in phase
// order (the latest one when all are done), with the progress of every
// phase reported so far summed for the bar.
func progressText(phases map[string]engine.Progress, latest string) (text string, done, total int) {
	var lines []string
	for _, n := range slices.Sorted(maps.Keys(phases)) {
		p := phases[n]
		done, total = done+p.Done, total+p.Total
		if p.Done < p.Total {
			lines = append(lines, fmt.Sprintf("%s: %d / %d", phaseName(p), p.Done, p.Total))
		}
	}
	if len(lines) == 0 {
		p := phases[latest]
		lines = append(lines, fmt.Sprintf("%s: %d / %d", phaseName(p), p.Done, p.Total))
	}
	return strings.Join(lines, "\n"), done, total
}

// phaseName says an engine phase ("create b", "store") in the preview's
// words ("create in salesforce-sandbox Contact"), which the person has
// just read.
func phaseName(pr engine.Progress) string {
	p := pr.Phase
	switch p {
	case "":
		return "Working"
	case "delete":
		return "Deleting"
	case "store":
		return "Recording what was written"
	}
	if verb, side, ok := strings.Cut(p, " "); ok {
		where := pr.Where
		if where == "" {
			where = app.SideNames{}.Of(side) // nothing named it
		}
		return "Writing (" + verb + " in " + where + ")"
	}
	return "Writing (" + p + ")"
}

// showRunOutcome says how a run ended, in one line plus counts.
func (u *UI) showRunOutcome(res app.RunResult) {
	s := res.Summary
	if s == nil {
		return
	}
	deleted := ""
	if s.Deleted > 0 {
		deleted = fmt.Sprintf(", deleted %d", s.Deleted) // deletes a person approved in Review
	}
	// Names, not the run's number and sides "A"/"B": History lists the
	// run by its sync and time.
	sideA, sideB := outcomeSides(res)
	held := ""
	if res.HeldReview > 0 {
		// Counted by the held run, not this one: not "nothing went to Review".
		held = fmt.Sprintf(" (%d already in Review from the held run)", res.HeldReview)
	}
	msg := fmt.Sprintf("%s\n\nCreated %d, updated %d%s, linked %d, unchanged %d, failed %d%s, sent to review %d%s. API calls: %d to %s, %d to %s.",
		runHeadline(res), s.Created, s.Updated, deleted, s.Linked, s.Unchanged, s.Failed, app.UnknownCount(*s), s.Review, held,
		s.APICallsA, sideA, s.APICallsB, sideB)
	if s.Message != "" {
		// Why a run stopped part way (a vendor's limit, a revoked grant)
		// is known only from its message: say it, in the vendor's words;
		// a success's says what still waits to be retried.
		msg += "\n\n" + sentence(s.Message, res.Sides[:]...)
	}
	if errors.Is(s.Stopped, connector.ErrAccount) {
		msg += "\n\n" + accountStep(s.Stopped.Error())
	}
	msg += sincePreviewText(res.SincePreview)
	if s.Review > 0 || res.HeldReview > 0 {
		msg += "\n\nOpen Review to decide the records that need a person."
	}
	if s.Failed > 0 {
		if lines := failureLines(res.Failures, shownFailureKinds); lines != "" {
			msg += "\n\nWhat failed:\n" + lines
		}
		msg += "\n\nOpen History to see each failed record with the vendor's message; Retry failed runs them again."
	}
	nWarn := 0
	if p := res.Plan; p != nil {
		// What the run warned of was in a preview the person may not have
		// opened: say it here too, the whole list in History.
		nWarn = len(p.Warnings) + p.WarningsOmitted
		if nWarn > 0 {
			msg += "\n\n" + nWarnings(nWarn) + ":"
			for _, w := range p.Warnings[:min(len(p.Warnings), shownWarnings)] {
				msg += "\n• " + shorten(w, 240)
			}
			if more := nWarn - min(len(p.Warnings), shownWarnings); more > 0 {
				msg += fmt.Sprintf("\n… and %d more: open History to see them all.", more)
			}
		}
	}
	if p := res.Plan; p != nil && p.Counts.Skipped > 0 {
		// A record read but left (another sync creates it) must not pass
		// as a bare success with nothing written.
		msg += "\n\n" + skippedLine(p.Counts.Skipped) + ":"
		for _, sk := range p.Skips[:min(len(p.Skips), shownWarnings)] {
			where := sideA
			if sk.Side == "b" {
				where = sideB
			}
			msg += fmt.Sprintf("\n• %s record %s: %s", where, sk.ID, shorten(res.Sides.InText(sk.Reason), 240))
		}
		if more := p.Counts.Skipped - min(len(p.Skips), shownWarnings); more > 0 {
			msg += fmt.Sprintf("\n… and %d more.", more)
		}
	}
	if len(res.Waiting) == 0 {
		// The message names where to go next: offer to go there.
		next, screen := "", ""
		switch {
		case s.Review > 0 || res.HeldReview > 0:
			next, screen = "Open Review", ScreenReview
		case s.Failed > 0, nWarn > 0:
			next, screen = "Open History", ScreenHistory
		}
		if next == "" {
			showNote(u.win, "Run finished", msg)
			return
		}
		u.showStatement("Run finished", msg, "Close", next, func() { u.Navigate(screen) })
		return
	}
	// References of other syncs waited for this one's links: their next run
	// writes those now linked. Offer the first one's preview.
	for _, w := range res.Waiting {
		msg += "\n\n" + w.Line()
	}
	next := res.Waiting[0].Sync
	u.showStatement("Run finished", msg, "Close", "Preview "+next, func() { u.openPreview(next) })
}

// runHeadline says in words which sync ran and how it ended.
func runHeadline(res app.RunResult) string {
	what := "The run"
	if p := res.Plan; p != nil && p.Sync != "" {
		what = "The run of " + p.Sync
		if p.UndoOf != 0 {
			what = "Undoing a run of " + p.Sync
		}
	}
	switch res.Summary.Status {
	case "success":
		return what + " finished successfully."
	case "partial":
		return what + " finished, but not every record was written."
	case "failed":
		return what + " failed."
	case "cancelled":
		return what + " was cancelled."
	}
	return what + " ended: " + res.Summary.Status + "."
}

// outcomeSides names a run's sides by connection and object, "side A"
// and "side B" where the result does not say (a run from before).
func outcomeSides(res app.RunResult) (string, string) {
	return res.Sides.Of("a"), res.Sides.Of("b")
}

// syncNow runs a sync at once, in the foreground with progress.
func (u *UI) syncNow(name string) {
	u.runWithProgress("Syncing "+name, func(ctx context.Context, p func(engine.Progress)) (app.RunResult, error) {
		res, err := u.a.Run(ctx, name, app.RunOptions{Trigger: "manual", Confirm: confirmed(ctx), ConfirmReason: confirmedReason(ctx), Progress: p})
		u.noteRunErr(name, err)
		u.noteSuccess(name, res, err)
		return res, err
	}, func(res app.RunResult) {
		if s := res.Summary; s != nil && s.Status == "success" {
			// A background failure of it is older now: the tray and the
			// next failure's notification say so, as after a background success.
			u.forgetNotified(name)
			if t := u.trayText; t == "crmsync: "+name+" failed" || t == "crmsync: "+name+" "+heldWords {
				u.setTrayStatus("crmsync: last run OK (" + name + ")")
			}
		}
	})
}

// noteRunErr keeps the failure of a run of sync the window started, for
// its card, and forgets it when a run ends without one. A cancel, a
// plan waiting for confirmation or a run already under way is not a failure.
func (u *UI) noteRunErr(sync string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, engine.ErrNeedsConfirmation) || errors.Is(err, engine.ErrAlreadyRunning) {
		return
	}
	if b := u.deps.Background; err == nil && b != nil {
		b.forgetFailure(sync) // the card's background failure is older now
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if err == nil {
		delete(u.runErrs, sync)
		return
	}
	if u.runErrs == nil {
		u.runErrs = map[string]error{}
	}
	u.runErrs[sync] = err
}

// noteSuccess tells the scheduler a run the window made succeeded, as the
// run cleared the stored vendor's wait: the next scheduled run is due by
// the schedule again, not after the last background failure's wait.
func (u *UI) noteSuccess(sync string, res app.RunResult, err error) {
	if b := u.deps.Background; b != nil && err == nil && res.Summary != nil && res.Summary.Status == "success" {
		b.succeeded(sync)
	}
}

// noteOutcomes keeps the failures of a run of every sync, as noteRunErr.
func (u *UI) noteOutcomes(out []app.SyncOutcome) {
	for _, o := range out {
		if !o.Paused {
			u.noteRunErr(o.Sync, o.Err)
		}
		u.noteSuccess(o.Sync, o.Result, o.Err)
	}
}

// runErr is the last failure of a run of sync the window started, nil
// after a success.
func (u *UI) runErr(sync string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.runErrs[sync]
}

// skippedLine says how many records a run read and left unwritten.
func skippedLine(n int) string {
	if n == 1 {
		return "1 record read was left as it is"
	}
	return fmt.Sprintf("%d records read were left as they are", n)
}
