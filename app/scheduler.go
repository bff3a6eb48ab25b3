package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// NewScheduler builds the background scheduler over every saved sync; the
// caller runs it (Run) and calls Reload after syncs change. Runs it starts
// go through Run, exactly like the button and the CLI.
func (a *App) NewScheduler(ctx context.Context) (*schedule.Scheduler, error) {
	s := schedule.New(a.ScheduledRun, a.ScheduleOptions())
	if err := a.Reload(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// ScheduleOptions are the options of a scheduler of this data folder's
// syncs: the app's clock and log, and each sync's last run for catching up
// on a slot missed while no scheduler ran.
func (a *App) ScheduleOptions() schedule.Options {
	return schedule.Options{Now: a.opts.Now, Logger: a.log, LastRun: a.lastRunAt, Location: a.opts.Zone, SucceededSince: a.succeededSince, StoredWait: a.storedVendorWait}
}

// Zone is the machine's time zone now, for the times the window shows. It
// may read a file: call it off the UI goroutine.
func (a *App) Zone() *time.Location { return a.opts.Zone() }

// Now is the app's clock (Options.Now), for screens that say how long ago
// or until when.
func (a *App) Now() time.Time { return a.opts.Now() }

// clock is Now in the machine's zone, for the times the app's own texts
// give.
func (a *App) clock() time.Time { return a.opts.Now().In(a.opts.Zone()) }

// lastRunAt is when sync name's newest run started, whichever process or
// trigger made it; previews and undos are not runs of its schedule. Zero
// when it never ran.
func (a *App) lastRunAt(ctx context.Context, name string) (time.Time, error) {
	row, err := a.db.Sync(ctx, name)
	if err != nil {
		return time.Time{}, err
	}
	runs, err := a.db.Runs(ctx, row.ID, 50)
	if err != nil {
		return time.Time{}, err
	}
	for _, r := range runs {
		if r.Status == "dry_run" || r.UndoOf != 0 || stoppedByQuit(r) {
			continue
		}
		return r.StartedAt, nil
	}
	return time.Time{}, nil
}

// stoppedByQuit says whether run r ended because its process quit or
// crashed mid-run, not by the vendor or a person: a background run is
// cancelled only by quitting. Its work is unfinished, so it is no run of
// the schedule and the next start catches up.
func stoppedByQuit(r store.RunRow) bool {
	background := r.Trigger == schedule.TriggerSchedule || r.Trigger == schedule.TriggerCatchUp
	return (background && r.Status == "cancelled") || (r.Status == "failed" && strings.HasPrefix(r.Message, store.InterruptedMessage))
}

// Reload makes the scheduler match the stored syncs: their schedules and
// pauses, and no sync that was deleted. It reads only the syncs' rows, so
// FollowSyncs can call it often.
func (a *App) Reload(ctx context.Context, s *schedule.Scheduler) error {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return err
	}
	stored := make(map[string]bool, len(rows))
	for _, r := range rows {
		stored[r.Name] = true
		s.Set(r.Name, a.storedSpec(r), r.Paused)
	}
	for _, name := range s.Names() {
		if !stored[name] {
			s.Remove(name)
		}
	}
	return nil
}

// storedSpec is a stored sync's schedule; a damaged one leaves it manual.
func (a *App) storedSpec(r store.SyncRow) schedule.Spec {
	var def engine.Definition
	err := json.Unmarshal([]byte(r.Definition), &def)
	spec, perr := schedule.Parse(orManual(def.Schedule))
	if err == nil {
		err = perr
	}
	if err != nil {
		a.log.Error("bad schedule; sync left manual", "sync", r.Name, "err", err)
		spec, _ = schedule.Parse(schedule.Manual)
	}
	return spec
}

// FollowInterval is how often a running scheduler looks for syncs changed
// by another process: one query of the syncs' rows.
const FollowInterval = 30 * time.Second

// FollowSyncs reloads s every interval until ctx ends. The window and
// `crmsync scheduler` may run side by side, and the CLI may save, pause or
// delete a sync while either runs: each scheduler picks that up within
// the interval rather than at its next start.
func (a *App) FollowSyncs(ctx context.Context, s *schedule.Scheduler, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Reload(ctx, s); err != nil && ctx.Err() == nil {
				a.log.Warn("reloading the schedules failed", "err", err)
			}
		}
	}
}

// stillScheduled returns schedule.ErrSkipped, saying why, when sync name
// no longer wants a scheduled run: paused, made manual or deleted by
// another process since the scheduler loaded it (FollowSyncs has not
// caught up yet). A person's pause is never overrun by a stale timer.
func (a *App) stillScheduled(ctx context.Context, name string) error {
	r, err := a.db.Sync(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("sync %s was deleted: %w", name, schedule.ErrSkipped)
	case err != nil:
		return err
	case r.Paused:
		return fmt.Errorf("sync %s is paused: %w", name, schedule.ErrSkipped)
	case a.storedSpec(r).Kind == schedule.Manual:
		return fmt.Errorf("sync %s is now run by hand only: %w", name, schedule.ErrSkipped)
	}
	return nil
}

func orManual(s string) string {
	if s == "" {
		return "manual"
	}
	return s
}

// ScheduledRun is a background run, the scheduler's RunFunc for the CLI's
// scheduler and the window's alike. It first runs the syncs its linked:
// filters ask about (runFilterSyncsFirst). It never confirms a plan over
// the safety limits: that needs a person, so it fails loudly and waits.
// A run that ends failed or partial is an error naming the largest kind
// of failure, since the notification is all a person sees of it.
func (a *App) ScheduledRun(ctx context.Context, name, trigger string) error {
	if trigger != schedule.TriggerManual {
		if err := a.stillScheduled(ctx, name); err != nil {
			return err
		}
		// The vendor's wait outlives this process: a scheduler started
		// again before the reset would spend a refused call at once.
		until, err := a.storedVendorWait(ctx, name)
		if err != nil {
			return err
		}
		if a.opts.Now().Before(until) {
			return skipped{fmt.Errorf("sync %s waits until %s, when the vendor's limit resets", name, until.In(a.opts.Zone()).Format(time.DateTime))}
		}
		// Another sync over the same connection met the account's limit.
		if err := a.connectionWait(ctx, name); err != nil {
			return err
		}
	}
	err := a.scheduledRun(ctx, name, trigger)
	wait := ""
	if w := (vendorWait{}); errors.As(err, &w) {
		until := a.opts.Now().Add(w.wait)
		wait = strconv.FormatInt(until.UnixMilli(), 10)
		a.storeConnectionWait(ctx, name, w.vendor, until)
	}
	if wait != "" { // a run that gets through ends it (Run, endVendorWait)
		if serr := a.db.SetSetting(ctx, vendorWaitKey(name), wait); serr != nil {
			a.log.Warn("store the vendor's wait", "sync", name, "err", serr)
		}
	}
	return err
}

func (a *App) scheduledRun(ctx context.Context, name, trigger string) error {
	// A turn of a sync already running is checked before the syncs it
	// filters by run: a refused turn must not spend their calls either.
	var res RunResult
	var err error
	if row, lerr := a.db.Sync(ctx, name); lerr == nil { // a missing sync is Run's to report
		err = a.notRunning(ctx, row.ID, name)
	}
	if err == nil {
		if err := a.runFilterSyncsFirst(ctx, name, trigger); err != nil {
			return err
		}
		res, err = a.Run(ctx, name, RunOptions{Trigger: trigger})
	}
	if trigger != schedule.TriggerManual && errors.Is(err, store.ErrRunOpen) {
		// Another process (the window beside `crmsync scheduler`) is
		// making this very run: it ran once, which is what was due.
		return skipped{fmt.Errorf("sync %s: %w", name, store.ErrRunOpen)}
	}
	if errors.Is(err, engine.ErrNeedsConfirmation) && res.Plan != nil {
		held := ""
		if s := res.Summary; s != nil && s.Review > 0 {
			// Held, its plan still left these in Review (History counts
			// them): the notification is all a person sees of the run.
			held = fmt.Sprintf("; %d already in Review from its plan", s.Review)
		}
		return needsPerson{fmt.Errorf("%s needs confirmation: %s%s: %w", name, res.Plan.Reason, held, engine.ErrNeedsConfirmation)}
	}
	if errors.Is(err, connector.ErrAuth) || errors.As(err, new(missingConnection)) {
		return needsPerson{err} // a reconnect, which no retry makes
	}
	if errors.Is(err, connector.ErrAccount) {
		return needsPerson{err} // the account's owner must fix billing or the plan
	}
	if err != nil {
		return withVendorWait(err, err)
	}
	if s := res.Summary; s != nil && (s.Status == "failed" || s.Status == "partial") && needsPersonStop(s.Stopped) {
		// Stopped while writing for a sign-in or an account: as above.
		return needsPerson{fmt.Errorf("sync %s: run %d %s: %w", name, s.RunID, s.Status, s.Stopped)}
	}
	if s := res.Summary; s != nil && (s.Status == "failed" || s.Status == "partial") {
		// The notification is all a person sees of a background run, so
		// it names the largest kind of failure, not just a count.
		// Its warnings too: the failure must not hide them.
		why := planWarnings(res.Plan)
		if len(res.Failures) > 0 {
			why += "; most: " + res.Failures[0].Line()
		}
		return withVendorWait(fmt.Errorf("sync %s: run %d %s: %s%s", name, s.RunID, s.Status, s.Message, why), s.Stopped)
	}
	return nil
}

// storedVendorWait is the end of the vendor's wait remembered for sync
// name (zero: none), the scheduler's StoredWait: a running scheduler's
// loop sees a wait ended by another account's sign-in or another process.
func (a *App) storedVendorWait(ctx context.Context, name string) (time.Time, error) {
	v, err := a.db.Setting(ctx, vendorWaitKey(name), "")
	if err != nil {
		return time.Time{}, fmt.Errorf("sync %s: read its vendor wait: %w", name, err)
	}
	if ms, _ := strconv.ParseInt(v, 10, 64); ms > 0 {
		return time.UnixMilli(ms), nil
	}
	return time.Time{}, nil
}

// vendorWaitKey is the setting holding the end of sync name's vendor wait
// (Unix ms), as connWaitKey is its connection's.
func vendorWaitKey(name string) string { return "vendor_wait:" + name }

// endVendorWait forgets the vendor's wait remembered for sync name.
func (a *App) endVendorWait(ctx context.Context, name string) {
	key := vendorWaitKey(name)
	if v, err := a.db.Setting(ctx, key, ""); err != nil || v == "" {
		return
	}
	if err := a.db.SetSetting(context.WithoutCancel(ctx), key, ""); err != nil {
		a.log.Warn("end the vendor's wait", "sync", name, "err", err)
	}
}

// withVendorWait gives err the wait a vendor asked for in cause (a spent
// daily budget's Retry-After), so the scheduler does not try again, a
// refused call each time, before then.
func withVendorWait(err, cause error) error {
	var ce *connector.Error
	if errors.As(cause, &ce) && ce.RetryAfter > 0 && (ce.Category == connector.CatBudget || ce.Category == connector.CatRateLimit) {
		return vendorWait{err, ce.RetryAfter, ce.Vendor}
	}
	return err
}

// vendorWait is a background run's error with the vendor's wait
// (schedule.Waiter).
type vendorWait struct {
	err    error
	wait   time.Duration
	vendor string // the vendor that asked for it (connector.Error.Vendor)
}

func (e vendorWait) Error() string          { return e.err.Error() }
func (e vendorWait) Unwrap() error          { return e.err }
func (e vendorWait) WaitFor() time.Duration { return e.wait }

// needsPersonStop says whether a run stopped for what only a person can
// fix: a refused sign-in (a reconnect) or account (billing or plan).
func needsPersonStop(err error) bool {
	return errors.Is(err, connector.ErrAuth) || errors.Is(err, auth.ErrReconnectNeeded) || errors.Is(err, connector.ErrAccount)
}

// needsPerson marks a background run's error as one only a person can fix,
// so the scheduler waits for the sync's next slot instead of backing off.
type needsPerson struct{ err error }

func (e needsPerson) Error() string        { return e.err.Error() }
func (e needsPerson) Unwrap() error        { return e.err }
func (e needsPerson) Is(target error) bool { return target == schedule.ErrNeedsPerson }

// skipped marks a background run not made as schedule.ErrSkipped while
// saying only its own reason (the tray shows it).
type skipped struct{ err error }

func (e skipped) Error() string        { return e.err.Error() }
func (e skipped) Unwrap() error        { return e.err }
func (e skipped) Is(target error) bool { return target == schedule.ErrSkipped }

// runFilterSyncsFirst runs, before a background run of sync name, the
// syncs its linked: filters ask about that run on a schedule of their own,
// as Sync all orders them: a leads sync must see the contacts sync's links
// of Contacts new in Salesforce, or it would make those people Leads too.
// One already running in its own turn is waited for; one that fails is
// logged and its own turn reports it. (A link: reference needs nothing: it
// waits for a later run.)
func (a *App) runFilterSyncsFirst(ctx context.Context, name, trigger string) error {
	v, err := a.Sync(ctx, name)
	if err != nil {
		return err
	}
	for _, dep := range engine.FilterSyncs(v.Definition) {
		dv, err := a.Sync(ctx, dep)
		if err != nil {
			return fmt.Errorf("sync %s: %w", name, err)
		}
		if dv.Paused || orManual(dv.Definition.Schedule) == schedule.Manual {
			continue // its links move when a person runs it
		}
		_, err = a.Run(ctx, dep, RunOptions{Trigger: trigger})
		for errors.Is(err, store.ErrRunOpen) {
			select { // its own turn is running: wait for it to end
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
			err = a.waitForRun(ctx, dv.ID)
		}
		if err != nil {
			a.log.Warn("the sync a background run filters by failed first", "sync", name, "first", dep, "err", err)
		}
	}
	return nil
}

// waitForRun returns store.ErrRunOpen while sync syncID's newest run is
// still running, and nil once it has ended.
func (a *App) waitForRun(ctx context.Context, syncID int64) error {
	runs, err := a.db.Runs(ctx, syncID, 1)
	if err != nil {
		return err
	}
	if len(runs) > 0 && runs[0].Status == "running" {
		return store.ErrRunOpen
	}
	return nil
}
