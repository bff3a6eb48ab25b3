package app

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/sync/schedule"
)

// NewScheduler builds the background scheduler over every saved sync; the
// caller runs it (Run) and calls Reload after syncs change. Runs it starts
// go through Run, exactly like the button and the CLI.
func (a *App) NewScheduler(ctx context.Context) (*schedule.Scheduler, error) {
	s := schedule.New(a.scheduledRun, schedule.Options{Now: a.opts.Now, Logger: a.log})
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

// scheduledRun is a background run. It never confirms a plan over the safety
// limits: that needs a person, so it fails loudly and waits.
func (a *App) scheduledRun(ctx context.Context, name, trigger string) error {
	res, err := a.Run(ctx, name, RunOptions{Trigger: trigger})
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
