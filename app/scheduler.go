package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// NewScheduler builds the background scheduler over every saved sync; the
// caller runs it (Run) and calls Reload after syncs change. Runs it starts
// go through Run, exactly like the button and the CLI.
func (a *App) NewScheduler(ctx context.Context) (*schedule.Scheduler, error) {
	s := schedule.New(a.ScheduledRun, schedule.Options{Now: a.opts.Now, Logger: a.log})
	if err := a.Reload(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload makes the scheduler match the stored syncs.
func (a *App) Reload(ctx context.Context, s *schedule.Scheduler) error {
	vs, err := a.Syncs(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		spec, err := schedule.Parse(orManual(v.Definition.Schedule))
		if err != nil {
			a.log.Error("bad schedule; sync left manual", "sync", v.Definition.Name, "err", err)
			spec, _ = schedule.Parse("manual")
		}
		s.Set(v.Definition.Name, spec, v.Paused)
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
	if err := a.runFilterSyncsFirst(ctx, name, trigger); err != nil {
		return err
	}
	res, err := a.Run(ctx, name, RunOptions{Trigger: trigger})
	if errors.Is(err, engine.ErrNeedsConfirmation) && res.Plan != nil {
		return needsPerson{fmt.Errorf("%s needs confirmation: %s: %w", name, res.Plan.Reason, engine.ErrNeedsConfirmation)}
	}
	if errors.Is(err, connector.ErrAuth) {
		return needsPerson{err} // a reconnect, which no retry makes
	}
	if err != nil {
		return err
	}
	if s := res.Summary; s != nil && (s.Status == "failed" || s.Status == "partial") {
		// The notification is all a person sees of a background run, so
		// it names the largest kind of failure, not just a count.
		why := ""
		if len(res.Failures) > 0 {
			why = "; most: " + res.Failures[0].Line()
		}
		return fmt.Errorf("sync %s: run %d %s: %s%s", name, s.RunID, s.Status, s.Message, why)
	}
	return nil
}

// needsPerson marks a background run's error as one only a person can fix,
// so the scheduler waits for the sync's next slot instead of backing off.
type needsPerson struct{ err error }

func (e needsPerson) Error() string        { return e.err.Error() }
func (e needsPerson) Unwrap() error        { return e.err }
func (e needsPerson) Is(target error) bool { return target == schedule.ErrNeedsPerson }

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
