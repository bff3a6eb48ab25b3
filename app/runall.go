package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// SyncOutcome is one sync's part in RunAll: its result, or why it did not
// run or did not finish.
type SyncOutcome struct {
	Sync   string
	Result RunResult
	// Err is the run's error. One wrapping engine.ErrNeedsConfirmation
	// means the plan was over the safety limits and nothing was written:
	// it waits for its preview, as a scheduled run's does.
	Err error
	// Paused: the sync is paused and was not run.
	Paused bool
	// now is the app's clock in its zone when the outcome was made, for
	// Line's times; zero (an outcome made elsewhere) = the wall clock.
	now time.Time
}

// NeedsConfirmation says whether the sync's plan stopped at the safety
// limits.
func (o SyncOutcome) NeedsConfirmation() bool {
	return errors.Is(o.Err, engine.ErrNeedsConfirmation)
}

// AlreadyRunning says whether the sync was not run because a run of it
// was under way (its scheduled run, or another process's): it is being
// synced, so this is no failure.
func (o SyncOutcome) AlreadyRunning() bool {
	return errors.Is(o.Err, engine.ErrAlreadyRunning)
}

// Line says in one line how the sync's part ended.
func (o SyncOutcome) Line() string {
	switch {
	case o.Paused:
		return o.Sync + ": paused, not run"
	case o.NeedsConfirmation() && o.Result.Plan != nil:
		line := o.Sync + ": not applied, it needs your confirmation: " + o.Result.Plan.Reason + "; open its preview"
		if s := o.Result.Summary; s != nil && s.Review > 0 {
			// Held, its plan still put these in Review (History counts them).
			line += fmt.Sprintf("; %d to review", s.Review)
		}
		return line
	case o.AlreadyRunning():
		return o.Sync + ": already running" + runningSince(o.Err, o.now) + ", not started again"
	case o.Err != nil:
		return o.Sync + ": " + o.Err.Error()
	case o.Result.Summary == nil:
		return o.Sync + ": not run"
	}
	s := o.Result.Summary
	line := fmt.Sprintf("%s: %s, created %d, updated %d, linked %d, failed %d%s", o.Sync, s.Status, s.Created, s.Updated, s.Linked, s.Failed, UnknownCount(*s))
	if s.Deleted > 0 {
		line += fmt.Sprintf(", deleted %d", s.Deleted)
	}
	if s.Review > 0 {
		line += fmt.Sprintf(", %d to review", s.Review)
	}
	// Nobody saw this run's preview: its warnings are in History.
	line += planWarnings(o.Result.Plan)
	if len(o.Result.Failures) > 0 {
		line += "; most: " + o.Result.Failures[0].Line()
	}
	return line
}

// runningSince is " (started by the window at 16:58)" for a refusal that
// names the run under way, the date too when it began another day than
// now's, in now's zone (SyncOutcome.now; zero = the wall clock, local).
func runningSince(err error, now time.Time) string {
	var ro *store.RunOpenError
	if !errors.As(err, &ro) || ro.RunID == 0 {
		return ""
	}
	if now.IsZero() {
		now = time.Now().Local()
	}
	at := ro.Started.In(now.Location())
	when := "at " + at.Format("15:04")
	if at.Format(time.DateOnly) != now.Format(time.DateOnly) {
		when = "on " + at.Format("2006-01-02") + " " + when
	}
	return " (started by " + ro.StartedBy() + " " + when + ")"
}

// planWarnings is "; N warnings (see History)" when plan warned, else "".
func planWarnings(p *engine.Plan) string {
	if p == nil || len(p.Warnings)+p.WarningsOmitted == 0 {
		return ""
	}
	n, what := len(p.Warnings)+p.WarningsOmitted, "warnings"
	if n == 1 {
		what = "warning"
	}
	return fmt.Sprintf("; %d %s (see History)", n, what)
}

// RunOrder orders syncs so that each runs after the syncs whose links its
// link:SYNC rows translate through (companies before the contacts and
// deals that name them, contacts before their activities) and its
// linked:SYNC filters ask about (contacts before leads), and a one-way
// sync after the syncs that write the records it reads, by name otherwise,
// so one run of all of them writes references the same run linked and
// carries an edit down a one-way chain. A sync in a cycle, or naming a
// sync not in defs, keeps its place by name.
func RunOrder(defs []engine.Definition) []string {
	byName := make(map[string]engine.Definition, len(defs))
	names := make([]string, 0, len(defs))
	for _, d := range defs {
		byName[d.Name] = d
		names = append(names, d.Name)
	}
	slices.Sort(names)
	state := map[string]int{} // 1 visiting, 2 placed
	out := make([]string, 0, len(names))
	var place func(string)
	place = func(n string) {
		if state[n] != 0 {
			return // placed, or a cycle: leave it where name order puts it
		}
		state[n] = 1
		deps := append(mapping.LinkedSyncs(byName[n].Fields), engine.FilterSyncs(byName[n])...)
		slices.Sort(deps)
		// Then the syncs that write what a one-way sync reads, so one
		// round carries an edit down the chain (Salesforce → HubSpot →
		// Mailchimp).
		deps = append(deps, feeders(byName[n], defs)...)
		for _, dep := range deps {
			if _, ok := byName[dep]; ok && dep != n {
				place(dep)
			}
		}
		state[n] = 2
		out = append(out, n)
	}
	for _, n := range names {
		place(n)
	}
	return out
}

// RunAll runs every sync once with opts (Trigger "manual" when unset), as
// its Sync now would, one after another in RunOrder: a paused sync is left
// alone; a plan over the safety limits is not applied and waits for its
// preview (unless opts.Confirm); a sync that fails does not stop the
// others. progress, when set, is called before each sync with how many are
// done. It returns each sync's outcome in the order run; an error only
// when the syncs cannot be listed or ctx ends.
func (a *App) RunAll(ctx context.Context, opts RunOptions, progress func(done, total int, sync string)) ([]SyncOutcome, error) {
	if opts.Trigger == "" {
		opts.Trigger = "manual"
	}
	views, err := a.Syncs(ctx)
	if err != nil {
		return nil, fmt.Errorf("run all syncs: %w", err)
	}
	defs := make([]engine.Definition, len(views))
	paused := map[string]bool{}
	for i, v := range views {
		defs[i] = v.Definition
		paused[v.Definition.Name] = v.Paused
	}
	order := RunOrder(defs)
	out := make([]SyncOutcome, 0, len(order))
	for i, name := range order {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("run all syncs: stopped before %s: %w", name, err)
		}
		if paused[name] {
			out = append(out, SyncOutcome{Sync: name, Paused: true, now: a.clock()})
			continue
		}
		if progress != nil {
			progress(i, len(order), name)
		}
		res, err := a.Run(ctx, name, opts)
		out = append(out, SyncOutcome{Sync: name, Result: res, Err: err, now: a.clock()})
		if ctx.Err() != nil {
			return out, fmt.Errorf("run all syncs: stopped during %s: %w", name, ctx.Err())
		}
	}
	return out, nil
}

// feeders lists, by name, the syncs of defs that write the side a one-way
// sync d reads (its connection and object): every two-way sync on it, and
// every one-way sync into it. A two-way d has none.
func feeders(d engine.Definition, defs []engine.Definition) []string {
	var src engine.SideDef
	switch d.Direction {
	case mapping.AtoB:
		src = d.A
	case mapping.BtoA:
		src = d.B
	default:
		return nil
	}
	var out []string
	for _, o := range defs {
		if o.Name == d.Name {
			continue
		}
		writes := (o.Direction == mapping.TwoWay && (o.A == src || o.B == src)) ||
			(o.Direction == mapping.AtoB && o.B == src) || (o.Direction == mapping.BtoA && o.A == src)
		if writes {
			out = append(out, o.Name)
		}
	}
	slices.Sort(out)
	return out
}
