package ui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// Background runs syncs on their schedules while the window is open or
// hidden in the tray. It wraps sync/schedule and remembers, per sync, the
// next planned run and the last background failure for the Syncs screen.
type Background struct {
	a     *app.App
	sched *schedule.Scheduler
	log   *slog.Logger

	mu      sync.Mutex
	next    map[string]time.Time
	failed  map[string]error
	running map[string]bool
	// waiting is why a sync's last turn was skipped while its connection
	// waits out its vendor's limit (app.IsConnectionWait), until it runs.
	waiting map[string]error
	onEvent func(schedule.Event) // set by the UI; called off the UI goroutine
	stop    context.CancelFunc   // set by Start; ends the scheduler
	stopped chan struct{}        // closed when the scheduler's Run returns
	// followEvery is how often it looks for syncs another process changed.
	followEvery time.Duration
}

// NewBackground builds the scheduler over a's syncs; call Start to run it.
// Its runs are the app's scheduled runs (app.ScheduledRun), as the CLI's
// scheduler makes them: a leads sync's run first runs the contacts sync it
// filters by, and a failure names its largest kind.
func NewBackground(a *app.App, log *slog.Logger) *Background {
	b := &Background{a: a, log: log, next: map[string]time.Time{}, failed: map[string]error{}, running: map[string]bool{}, waiting: map[string]error{}, followEvery: app.FollowInterval}
	b.sched = schedule.New(a.ScheduledRun, a.ScheduleOptions())
	return b
}

// Start loads every sync and runs the scheduler until ctx ends or Stop.
func (b *Background) Start(ctx context.Context) error {
	if err := b.Reload(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	b.mu.Lock()
	b.stop, b.stopped = cancel, stopped
	b.mu.Unlock()
	following := make(chan struct{})
	go func() { defer close(following); b.a.FollowSyncs(ctx, b.sched, b.followEvery) }()
	// Stop waits for the event watcher too, so no event reaches the UI after.
	watching := make(chan struct{})
	go func() { defer close(watching); b.watch(ctx) }()
	go func() { defer close(stopped); _ = b.sched.Run(ctx); <-following; <-watching }()
	return nil
}

// Stop ends the scheduler and waits for runs in flight to stop between
// batches, keeping what they committed, as the CLI's scheduler does on
// Ctrl+C. Quitting calls it before the data file is closed, so a run is
// not left behind as a crash ("interrupted (crash or kill)").
func (b *Background) Stop() {
	b.mu.Lock()
	stop, stopped := b.stop, b.stopped
	b.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-stopped
}

// Reload hands every stored sync's schedule to the scheduler (after a save,
// delete, pause or resume).
func (b *Background) Reload(ctx context.Context) error {
	if err := b.a.Reload(ctx, b.sched); err != nil {
		return err
	}
	b.forgetGone() // deleted elsewhere (the CLI)
	return nil
}

// Remove forgets a deleted sync.
func (b *Background) Remove(name string) {
	b.sched.Remove(name)
	b.forgetGone()
}

// forgetGone drops what the cards show of syncs the scheduler no longer
// has: a new sync given a deleted one's name must not show its failure.
func (b *Background) forgetGone() {
	known := map[string]bool{}
	for _, n := range b.sched.Names() {
		known[n] = true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for n := range b.next {
		if !known[n] {
			delete(b.next, n)
			delete(b.failed, n)
			delete(b.running, n)
			delete(b.waiting, n)
		}
	}
	for n := range b.failed {
		if !known[n] {
			delete(b.failed, n)
		}
	}
}

// Next is the next planned run of a sync; zero when none is planned.
func (b *Background) Next(name string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.next[name]
}

// LastFailure is the last background failure of a sync, nil after a success.
func (b *Background) LastFailure(name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failed[name]
}

// ConnectionWait is why the sync's last turn was skipped while its
// connection waits out its vendor's limit; nil when it was not.
func (b *Background) ConnectionWait(name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waiting[name]
}

// forgetFailure drops the sync's background failure: a run since succeeded.
func (b *Background) forgetFailure(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.failed, name)
	delete(b.waiting, name)
}

// succeeded drops the sync's background failure and its back-off or
// vendor's wait: a run the window made succeeded.
func (b *Background) succeeded(name string) {
	b.forgetFailure(name)
	b.sched.Succeeded(name)
}

func (b *Background) setOnEvent(fn func(schedule.Event)) {
	b.mu.Lock()
	b.onEvent = fn
	b.mu.Unlock()
}

func (b *Background) watch(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-b.sched.Events():
			b.mu.Lock()
			switch e.Kind {
			case schedule.EventNext:
				b.next[e.Sync] = e.Next
			case schedule.EventStarted:
				b.running[e.Sync] = true
			case schedule.EventSkipped:
				b.running[e.Sync] = false
				if app.IsConnectionWait(e.Err) {
					b.waiting[e.Sync] = e.Err
				}
			case schedule.EventFinished:
				b.running[e.Sync] = false
				delete(b.failed, e.Sync)
				delete(b.waiting, e.Sync)
			case schedule.EventCleared: // another process's run succeeded
				delete(b.failed, e.Sync)
			case schedule.EventFailed:
				b.running[e.Sync] = false
				b.failed[e.Sync] = e.Err
				delete(b.waiting, e.Sync)
			}
			fn := b.onEvent
			b.mu.Unlock()
			if fn != nil {
				fn(e)
			}
		}
	}
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
