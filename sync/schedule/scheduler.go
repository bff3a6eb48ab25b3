package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Triggers passed to RunFunc.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
	TriggerCatchUp  = "catch-up"
)

// Event kinds.
const (
	EventStarted  = "started"
	EventFinished = "finished"
	EventFailed   = "failed"
	EventPaused   = "paused"
	EventResumed  = "resumed"
	EventSkipped  = "skipped" // a due run not made (ErrSkipped); Err says why
	EventNext     = "next"    // Next holds the next planned run; zero = none
	// EventCleared: a run another process made (the CLI beside the
	// window) succeeded since the last failure, which no longer stands.
	EventCleared = "cleared"
)

// ErrNeedsPerson, wrapped in a RunFunc's error, says the run stopped for
// something only a person can give (a confirmation, a reconnect): retrying
// on back-off would only repeat the same refusal and notification, so the
// sync waits for its next regular slot instead.
var ErrNeedsPerson = errors.New("waiting for a person")

// ErrSkipped, returned by a RunFunc, says the run was not made because the
// sync no longer wants it (paused, made manual or deleted by another
// process since the scheduler last loaded it): neither a run nor a failure.
var ErrSkipped = errors.New("the sync changed since it was scheduled")

// Waiter, in a RunFunc's error chain, says how long the vendor asked to
// be left alone (a spent daily budget, an account moving data centres):
// the next try is no sooner, where back-off alone would spend a refused
// call every hour until then.
type Waiter interface{ WaitFor() time.Duration }

// RunFunc runs one sync once. It must return when ctx is cancelled (between
// batches is fine); the scheduler waits for it on shutdown.
type RunFunc func(ctx context.Context, sync string, trigger string) error

// Event is a status change for the UI.
type Event struct {
	Sync string
	Kind string
	Err  error
	Next time.Time
	At   time.Time
}

// Options tune a Scheduler; zero values get defaults.
type Options struct {
	Now         func() time.Time // wall clock; default time.Now
	BaseBackoff time.Duration    // first retry delay after a failure; default 1m
	MaxBackoff  time.Duration    // default 1h
	Logger      *slog.Logger     // default discards
	EventBuffer int              // default 64
	// WakeCheck bounds how long a timer sleeps before the loop looks at the
	// wall clock again. Timers run on the monotonic clock, which stops while
	// a laptop sleeps; checking the wall clock notices the wake-up. Default 1m.
	WakeCheck time.Duration
	// Location is the machine's zone now, for daily times without a zone;
	// time.Local is read once at start, so a laptop that changed zones
	// would keep its old one. Default returns time.Local.
	Location func() *time.Location
	// LastRun says when a sync last ran (zero: never), from any process.
	// A sync whose slot passed since, while no scheduler was running (the
	// laptop off at 02:00 every night), runs once when its loop starts, as
	// anacron does; nil never catches up at start.
	LastRun func(ctx context.Context, sync string) (time.Time, error)
	// SucceededSince says whether a run of sync finished successfully
	// after since, in any process. A failing sync's loop asks it when it
	// wakes, so a `crmsync sync run` that got through ends the window's
	// back-off or vendor's wait as the window's own Sync now does
	// (Succeeded); nil never asks.
	SucceededSince func(ctx context.Context, sync string, since time.Time) (bool, error)
	// StoredWait is the end of the vendor's wait the store keeps for sync
	// (zero: none). A loop holding a Waiter's wait asks it when it wakes:
	// a wait the store no longer holds was ended elsewhere (the connection
	// signed in to another account, a run that got through), so the next
	// try comes by the back-off; nil never asks.
	StoredWait func(ctx context.Context, sync string) (time.Time, error)
}

// Scheduler runs each sync on its own goroutine.
type Scheduler struct {
	run    RunFunc
	opts   Options
	events chan Event

	mu      sync.Mutex
	workers map[string]*worker
	removed map[string]<-chan struct{} // done channels of removed workers still running
	ctx     context.Context            // set by Run; nil before
	wg      sync.WaitGroup
}

type config struct {
	spec   Spec
	paused bool
}

type worker struct {
	name   string
	cfg    config             // latest config; guarded by Scheduler.mu
	update chan config        // buffered 1, latest wins
	now    chan struct{}      // buffered 1: "sync now" requests coalesce
	ok     chan struct{}      // buffered 1: a run outside the scheduler succeeded
	cancel context.CancelFunc // nil until started
	done   chan struct{}      // closed when the goroutine ends
	prev   <-chan struct{}    // a removed worker of the same name still finishing
}

// New returns a scheduler; call Set for each sync and Run to start it.
func New(run RunFunc, opts Options) *Scheduler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = time.Minute
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.MaxBackoff < opts.BaseBackoff {
		opts.MaxBackoff = opts.BaseBackoff
	}
	if opts.Location == nil {
		opts.Location = func() *time.Location { return time.Local }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 64
	}
	if opts.WakeCheck <= 0 {
		opts.WakeCheck = time.Minute
	}
	return &Scheduler{run: run, opts: opts, events: make(chan Event, opts.EventBuffer), workers: map[string]*worker{}}
}

// Events delivers status changes. It is never closed. When the reader falls
// behind, the oldest events are dropped: the loop never blocks on the UI.
func (s *Scheduler) Events() <-chan Event { return s.events }

// Run starts all syncs and blocks until ctx is done, then waits for runs in
// flight to return (they see the cancelled ctx). It returns nil after a
// clean shutdown.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.ctx != nil {
		s.mu.Unlock()
		return errors.New("schedule: Run called twice")
	}
	s.ctx = ctx
	for _, w := range s.workers {
		s.startLocked(w)
	}
	s.mu.Unlock()
	<-ctx.Done()
	s.wg.Wait()
	return nil
}

// Set adds a sync or updates its schedule and pause state.
func (s *Scheduler) Set(sync string, spec Spec, paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := config{spec: spec, paused: paused}
	if w, ok := s.workers[sync]; ok {
		s.sendLocked(w, cfg)
		return
	}
	w := &worker{name: sync, cfg: cfg, update: make(chan config, 1), now: make(chan struct{}, 1), ok: make(chan struct{}, 1), done: make(chan struct{})}
	if old, ok := s.removed[sync]; ok {
		w.prev = old
		delete(s.removed, sync)
	}
	s.workers[sync] = w
	if s.ctx != nil {
		s.startLocked(w)
	}
}

// Names lists the syncs the scheduler knows.
func (s *Scheduler) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.workers))
	for name := range s.workers {
		out = append(out, name)
	}
	return out
}

// Remove stops a sync's goroutine and cancels its run in flight. It does not
// wait; a sync Set again under the same name starts only after the old run
// has returned.
func (s *Scheduler) Remove(sync string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.workers[sync]
	if !ok {
		return
	}
	delete(s.workers, sync)
	if w.cancel == nil {
		return
	}
	w.cancel()
	if s.removed == nil {
		s.removed = map[string]<-chan struct{}{}
	}
	s.removed[sync] = w.done
}

// SyncNow asks for a run without blocking. Requests made while a run is
// pending or running coalesce into one. It returns false for an unknown or
// paused sync.
func (s *Scheduler) SyncNow(sync string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.workers[sync]
	if !ok || w.cfg.paused {
		return false
	}
	select {
	case w.now <- struct{}{}:
	default: // one is already pending
	}
	return true
}

// Succeeded tells the scheduler a run of sync made elsewhere (the window's
// Sync now) succeeded: the back-off and vendor's wait of its last failure
// end, and its next run is due by its schedule again.
func (s *Scheduler) Succeeded(sync string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.workers[sync]; ok {
		select {
		case w.ok <- struct{}{}:
		default: // one is already pending
		}
	}
}

// Pause stops scheduled runs of a sync until Resume; a run in flight ends
// normally.
func (s *Scheduler) Pause(sync string) { s.setPaused(sync, true) }

// Resume restarts scheduled runs, planning the next one from now at its
// regular slot: earlier failures' back-off is forgotten.
func (s *Scheduler) Resume(sync string) { s.setPaused(sync, false) }

func (s *Scheduler) setPaused(sync string, paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.workers[sync]; ok {
		cfg := w.cfg
		cfg.paused = paused
		s.sendLocked(w, cfg)
	}
}

// sendLocked replaces any pending update with cfg. Only holders of s.mu
// send, so after draining the send cannot block.
func (s *Scheduler) sendLocked(w *worker, cfg config) {
	w.cfg = cfg
	select {
	case <-w.update:
	default:
	}
	w.update <- cfg
}

func (s *Scheduler) startLocked(w *worker) {
	ctx, cancel := context.WithCancel(s.ctx)
	w.cancel = cancel
	select { // the loop reads its config from the channel
	case <-w.update:
	default:
	}
	cfg := w.cfg // read under s.mu: Set may change it once the loop runs
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(w.done)
		defer cancel()
		s.loop(ctx, w, cfg)
	}()
}

func (s *Scheduler) emit(e Event) {
	e.At = s.opts.Now()
	for range 2 {
		select {
		case s.events <- e:
			return
		default:
		}
		select { // full: drop the oldest and try once more
		case <-s.events:
		default:
		}
	}
}

func (s *Scheduler) backoff(failures int) time.Duration {
	d := s.opts.BaseBackoff
	for i := 1; i < failures && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// runOnce calls the RunFunc, turning a panic into an error so one broken
// run does not take the app down.
func (s *Scheduler) runOnce(ctx context.Context, name, trigger string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("schedule: run of %s panicked: %v", name, r)
		}
	}()
	return s.run(ctx, name, trigger)
}
