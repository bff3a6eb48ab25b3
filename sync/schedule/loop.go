package schedule

import (
	"context"
	"errors"
	"time"
)

// loop is one sync's goroutine. Runs happen inside it, so one sync never
// runs twice at once; requests that arrive meanwhile wait in the buffered
// channels and coalesce.
func (s *Scheduler) loop(ctx context.Context, w *worker, cfg config) {
	if w.prev != nil {
		<-w.prev // a removed predecessor is still finishing its run
	}
	log := s.opts.Logger.With("sync", w.name)
	failures := 0
	needsPerson := false    // the last failure wraps ErrNeedsPerson
	var next time.Time      // wall clock of the next run; zero = none planned
	var due time.Time       // wall clock the armed timer should fire at, at the earliest
	var notBefore time.Time // the last failure's Waiter: no retry before it
	relative := false       // next is a wait from when it was planned, not a time of day
	var ranSlot time.Time   // the slot of the last scheduled run
	var failedAt time.Time  // wall clock the last failure ended at
	// The machine's zone next was planned in.
	zone := s.opts.Location()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()

	arm := func() {
		timer.Stop()
		if next.IsZero() {
			return
		}
		now := s.opts.Now().Round(0)
		d := max(0, min(next.Sub(now), s.opts.WakeCheck))
		due = now.Add(d)
		timer.Reset(d)
	}
	plan := func() {
		now := s.opts.Now().Round(0)
		zone = s.opts.Location()
		spec := cfg.spec.in(zone)
		switch {
		case cfg.paused || cfg.spec.Kind == Manual || cfg.spec.Kind == "":
			next = time.Time{} // manual syncs are not retried in the background
		case failures > 0 && needsPerson:
			// Back-off would repeat the refusal: wait for the regular slot
			// (or the back-off, whichever is later).
			next = later(later(spec.Next(now), now.Add(s.backoff(failures))), notBefore)
		case failures > 0:
			next = later(now.Add(s.backoff(failures)), notBefore)
		case cfg.spec.Kind == Daily:
			// The clock set back during the run must not bring its slot back.
			next = spec.Next(later(now, ranSlot))
		default:
			next = spec.Next(now)
		}
		if !next.IsZero() {
			next = later(next, notBefore) // kept across a resume; cleared by a success
		}
		relative = cfg.spec.Kind == Every || (failures > 0 && !needsPerson)
		s.emit(Event{Sync: w.name, Kind: EventNext, Next: next})
		arm()
	}
	runNow := func(trigger string) {
		s.emit(Event{Sync: w.name, Kind: EventStarted})
		err := s.runOnce(ctx, w.name, trigger)
		switch {
		case errors.Is(err, ErrSkipped):
			log.Info("scheduled run skipped", "trigger", trigger, "why", err)
			s.emit(Event{Sync: w.name, Kind: EventSkipped, Err: err})
		case err != nil && ctx.Err() != nil:
			// Shut down or removed mid-run: not a failure to back off from.
			s.emit(Event{Sync: w.name, Kind: EventFailed, Err: err})
		case err != nil:
			failures++
			needsPerson = errors.Is(err, ErrNeedsPerson)
			notBefore, failedAt = time.Time{}, s.opts.Now().Round(0)
			if w := Waiter(nil); errors.As(err, &w) && w.WaitFor() > 0 {
				notBefore = s.opts.Now().Round(0).Add(w.WaitFor())
			}
			log.Warn("sync run failed", "trigger", trigger, "failures", failures, "err", err)
			s.emit(Event{Sync: w.name, Kind: EventFailed, Err: err})
		default:
			failures, notBefore = 0, time.Time{}
			s.emit(Event{Sync: w.name, Kind: EventFinished})
		}
	}

	if cfg.paused {
		s.emit(Event{Sync: w.name, Kind: EventPaused})
	}
	plan()
	if missed := s.missedWhileStopped(ctx, w.name, cfg); !missed.IsZero() {
		log.Info("a scheduled run was missed while no scheduler was running; running it now", "missed", missed)
		runNow(TriggerCatchUp)
		if ctx.Err() != nil {
			return
		}
		plan()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-w.update:
			if c.paused != cfg.paused {
				kind := EventResumed
				if c.paused {
					kind = EventPaused
				}
				s.emit(Event{Sync: w.name, Kind: kind})
			}
			changed := c.paused != cfg.paused || !c.spec.Equal(cfg.spec)
			if (cfg.paused && !c.paused) || !c.spec.Equal(cfg.spec) {
				// A resume or a new schedule is a person saying "try
				// again": old failures' back-off would hold it up to an
				// hour. A vendor's own wait (notBefore) still stands.
				failures, needsPerson = 0, false
			}
			cfg = c
			if changed {
				plan()
			}
		case <-w.ok:
			if failures > 0 || !notBefore.IsZero() {
				failures, needsPerson, notBefore = 0, false, time.Time{}
				plan()
			}
		case <-w.now:
			if cfg.paused {
				continue // paused after the request was accepted: pause wins
			}
			runNow(TriggerManual)
			if ctx.Err() != nil {
				return
			}
			plan()
		case <-timer.C:
			if next.IsZero() {
				continue
			}
			now := s.opts.Now().Round(0)
			if back := due.Sub(now); back > 0 && relative {
				// The timer waited its time, yet the wall clock reads
				// earlier: the clock was set back (an NTP correction).
				// A wait (every 15m, a back-off) moves back with it, or
				// the schedule stalls for as long as the clock jumped;
				// a time of day stays where it is on the corrected clock.
				next = next.Add(-back)
				s.emit(Event{Sync: w.name, Kind: EventNext, Next: next})
			}
			if cfg.spec.machineZone() && (failures == 0 || needsPerson) && !sameZone(zone, s.opts.Location(), now) {
				// The machine's zone changed (the laptop travelled):
				// "daily 09:00" is 09:00 where it is now.
				plan()
				continue
			}
			if (failures > 0 || !notBefore.IsZero()) && s.succeededElsewhere(ctx, w.name, failedAt) {
				log.Info("a run made elsewhere succeeded since the last failure; its wait ends")
				failures, needsPerson, notBefore = 0, false, time.Time{}
				s.emit(Event{Sync: w.name, Kind: EventCleared})
				plan()
				continue
			}
			if !notBefore.IsZero() && s.waitEndedElsewhere(ctx, w.name) {
				log.Info("the vendor's wait was ended elsewhere; the next try comes by the back-off")
				notBefore = time.Time{}
				plan()
				continue
			}
			if now.Before(next) {
				arm() // a wake check, not yet due
				continue
			}
			trigger := TriggerSchedule
			if iv := cfg.spec.interval(); iv > 0 && now.Sub(next) > iv {
				// Slept through one or more slots: run once, not per slot.
				trigger = TriggerCatchUp
			}
			ranSlot = next
			runNow(trigger)
			if ctx.Err() != nil {
				return
			}
			plan()
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// missedWhileStopped is the first slot of cfg's schedule that passed after
// the sync's last run, or zero when none did (or it never ran: its first
// run waits for its slot, or for a person). The window and the CLI's
// scheduler only run while open, and a laptop is often off at night.
func (s *Scheduler) missedWhileStopped(ctx context.Context, name string, cfg config) time.Time {
	if s.opts.LastRun == nil || cfg.paused || cfg.spec.interval() == 0 {
		return time.Time{}
	}
	last, err := s.opts.LastRun(ctx, name)
	if err != nil {
		s.opts.Logger.Warn("the sync's last run could not be read; no catch-up run", "sync", name, "err", err)
		return time.Time{}
	}
	if last.IsZero() {
		return time.Time{}
	}
	if slot := cfg.spec.in(s.opts.Location()).Next(last); !slot.After(s.opts.Now().Round(0)) {
		return slot
	}
	return time.Time{}
}

// succeededElsewhere says whether a run of sync made outside this
// scheduler (another process) succeeded after the failure at failedAt.
// A store that cannot be read leaves the failure standing.
func (s *Scheduler) succeededElsewhere(ctx context.Context, name string, failedAt time.Time) bool {
	if s.opts.SucceededSince == nil || failedAt.IsZero() {
		return false
	}
	ok, err := s.opts.SucceededSince(ctx, name, failedAt)
	if err != nil {
		s.opts.Logger.Warn("could not read whether a run elsewhere succeeded", "sync", name, "err", err)
		return false
	}
	return ok
}

// waitEndedElsewhere says whether the vendor's wait the loop of sync holds
// is no longer stored. A store that cannot be read leaves the wait
// standing.
func (s *Scheduler) waitEndedElsewhere(ctx context.Context, name string) bool {
	if s.opts.StoredWait == nil {
		return false
	}
	until, err := s.opts.StoredWait(ctx, name)
	if err != nil {
		s.opts.Logger.Warn("could not read the sync's stored vendor wait", "sync", name, "err", err)
		return false
	}
	return until.IsZero()
}
